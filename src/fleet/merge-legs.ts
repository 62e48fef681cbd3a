// The fan-out's side of the merged table: leg outcomes in, the merged text and account out, within the budget.
import { z } from "zod";
import { once } from "../util/once.js";
import { type MergedCluster, type MergeLeg, mergeLists } from "./merge.js";

/** Why: the merged answer's structuredContent (clusters_exec_all with merge), declared once. */
export const mergedSchema = once(() =>
  z
    .object({
      columns: z.array(z.string()),
      rowsShown: z.number().int().describe("Rows shown in the text (a group's rows count once per member)."),
      rowsTotal: z.number().int().describe("Rows the clusters returned on this page."),
      clusters: z.array(
        z.object({
          cluster: z.string(),
          status: z.string(),
          rows: z.number().int(),
          shown: z.number().int(),
          continue: z
            .string()
            .nullable()
            .describe("Next page: call the operation on this cluster with this `continue`."),
          sameAs: z.string().optional().describe("Its rows equal this cluster's (shown once, in its group)."),
          error: z.string().optional(),
        }),
      ),
    })
    .describe("With merge: every cluster's account (counts, continue token, identical group)."),
);

interface LegLike {
  cluster: string;
  status: string;
  error?: string;
  result?: Record<string, unknown>;
}

function listOf(r: Record<string, unknown> | undefined): MergeLeg["list"] {
  if (!r || !Array.isArray(r.columns) || !Array.isArray(r.items)) return undefined;
  const token = typeof r.continue === "string" && r.continue ? r.continue : null;
  return {
    columns: r.columns.filter((c): c is string => typeof c === "string"),
    items: r.items as Record<string, unknown>[],
    continue: token,
  };
}

/**
 * Why: the merged answer of a list fan-out: the table gets half the output budget, the per-cluster account
 * (counts and continue tokens, in structuredContent) the rest, so both fit max_output_bytes together.
 */
export function mergeOutcomes(
  legs: readonly LegLike[],
  maxBytes: number,
): {
  text: string;
  merged: { columns: string[]; rowsShown: number; rowsTotal: number; clusters: MergedCluster[] };
} {
  const m = mergeLists(
    legs.map((l) => ({ cluster: l.cluster, status: l.status, error: l.error, list: listOf(l.result) })),
    Math.floor(maxBytes / 2),
  );
  return {
    text: m.text,
    merged: { columns: m.columns, rowsShown: m.rowsShown, rowsTotal: m.rowsTotal, clusters: m.clusters },
  };
}
