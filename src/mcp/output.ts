// Output schemas shared by many tools (MCP outputSchema), written once so every tool's structuredContent agrees;
// each is built on first use (once), not at import.
import { z } from "zod";
import { once } from "../util/once.js";

/** Why: every cluster-aware result names the cluster it ran on; publicOutputSchema refuses a tool without it. */
export const clusterField = once(() =>
  z.string().describe("The cluster this ran on (its resolved name, never an alias)."),
);

/** Why: the output schema of a cluster-aware tool: its own fields plus `cluster`, declared in one place. */
export function clusterOutput<S extends z.ZodRawShape>(shape: S): z.ZodObject<{ cluster: z.ZodString } & S> {
  return z.object({ cluster: clusterField(), ...shape });
}

/** Why: a Kubernetes object as structuredContent, after the same redaction as the YAML text. */
export const objectField = once(() =>
  z
    .record(z.string(), z.unknown())
    .describe("The object (managedFields removed, Secret values redacted), as JSON."),
);

/** Why: every list tool returns the same shape: rows as objects keyed like the table's columns, plus paging. */
export const listOutput = once(() =>
  clusterOutput({
    kind: z.string().describe("Kind listed."),
    count: z.number().int().describe("Rows on this page."),
    continue: z
      .string()
      .nullable()
      .describe("Continue token for the next page (pass it as `continue`), or null on the last page."),
    columns: z
      .array(z.string())
      .describe("Row keys in the table's column order (camelCase); empty when rows are full objects."),
    items: z
      .array(z.record(z.string(), z.unknown()))
      .describe(
        "One object per row: the table's columns (cells as the API server renders them) or the full object.",
      ),
  }),
);

/** Why: what a delete tool reports it removed. */
export const deletedOutput = once(() =>
  clusterOutput({
    deleted: z.object({
      kind: z.string(),
      namespace: z.string().optional(),
      name: z.string(),
    }),
  }),
);
