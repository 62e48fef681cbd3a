// Renders the configuration reference (docs/configuration.md) from the zod schema, so docs and validation never drift.
import { z } from "zod";
import { ClusterAuthClustersSchema, ConfigSchema, NskSchema, OAuthSchema } from "./schema.js";

function typeName(s: z.ZodType): string {
  const json = z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as {
    type?: string | string[];
    enum?: unknown[];
    items?: { type?: string };
  };
  if (json.enum) return json.enum.map((v) => JSON.stringify(v)).join(" \\| ");
  if (json.type === "array") return `array of ${json.items?.type ?? "table"}`;
  if (json.type === "object") return "table";
  return Array.isArray(json.type) ? json.type.join(" \\| ") : (json.type ?? "any");
}

function defaultOf(s: z.ZodType): string {
  const r = s.safeParse(undefined);
  if (!r.success || r.data === undefined) return "";
  return `\`${JSON.stringify(r.data)}\``;
}

function rows(shape: Record<string, z.ZodType>, prefix: string): string[] {
  return Object.entries(shape)
    .filter(([key]) => key !== "nsk")
    .map(
      ([key, s]) =>
        `| \`${prefix}${key}\` | ${typeName(s)} | ${defaultOf(s)} | ${(s.description ?? "").replaceAll("|", "\\|")} |`,
    );
}

/** Why: docs/configuration.md's table is generated from the one schema (a unit test keeps them equal). */
export function renderConfigReference(): string {
  return [
    "| key | type | default | meaning |",
    "|---|---|---|---|",
    ...rows(ConfigSchema.shape as Record<string, z.ZodType>, ""),
    ...rows(NskSchema.shape as Record<string, z.ZodType>, "nsk."),
    ...rows(OAuthSchema.shape as Record<string, z.ZodType>, "oauth."),
    ...rows(ClusterAuthClustersSchema.shape as Record<string, z.ZodType>, "cluster_auth_clusters."),
  ].join("\n");
}
