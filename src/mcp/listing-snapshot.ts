// Build time (scripts/build.mjs) and tests only: every tool's published JSON Schemas in every config variant that
// shapes them, converted as tool-surface.ts converts them live, so the listing the bundle embeds is the live one.
import { type Config, ConfigSchema } from "../config/index.js";
import { allTools } from "../tools/index.js";
import type { ListingTable } from "./listing-prebuilt.js";
import { publicInputSchema, publicOutputSchema, publicSchemaKey } from "./public-schema.js";
import { jsonSchemas } from "./tool-surface.js";

/** Why: every combination of the settings that shape tool schemas or the tool set (with Rancher/NSK on). */
export function snapshotVariants(): Config[] {
  const variants: Config[] = [];
  for (const read_only of [false, true])
    for (const disable_destructive of [false, true])
      for (const require_cluster of [false, true])
        for (const confirm_clusters of [[], ["prod-*"]])
          variants.push(
            ConfigSchema.parse({ read_only, disable_destructive, require_cluster, confirm_clusters }),
          );
  return variants;
}

/** Why: what the build embeds; a key that maps to two different schemas fails the build (it misses an input). */
export function snapshotListing(): ListingTable {
  const table: ListingTable = { schemas: [], tools: {} };
  const index = new Map<string, number>();
  const intern = (schema: ListingTable["schemas"][number]): number => {
    const text = JSON.stringify(schema);
    let i = index.get(text);
    if (i === undefined) {
      i = table.schemas.push(schema) - 1;
      index.set(text, i);
    }
    return i;
  };
  for (const config of snapshotVariants()) {
    for (const tool of allTools(config, true)) {
      const key = publicSchemaKey(tool, config);
      const [input, output] = jsonSchemas({
        input: publicInputSchema(tool, config),
        output: publicOutputSchema(tool),
      });
      const entry: [number, number] = [intern(input), intern(output)];
      const seen = table.tools[key];
      if (seen && (seen[0] !== entry[0] || seen[1] !== entry[1]))
        throw new Error(`tool ${tool.name}: schemas differ between variants under one key '${key}'`);
      table.tools[key] = entry;
    }
  }
  return table;
}
