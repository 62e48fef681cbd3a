// The tools/list JSON Schemas the build computed for every config variant (scripts/build.mjs embeds them), so a
// start lists tools without building or converting a zod schema. Absent when the source runs under tsx.
import type { Tool } from "@modelcontextprotocol/server";

declare const __K8S_MCP_TOOL_LISTING__: string;

/** Why: every distinct JSON Schema once; tools maps a schema key to [input index, output index]. */
export interface ListingTable {
  schemas: Tool["inputSchema"][];
  tools: Record<string, [number, number]>;
}

let parsed: ListingTable | undefined;

/** Why: a tool's published [input, output] JSON Schemas from the build, or undefined when the build lacks it. */
export function prebuiltSchemas(key: string): [Tool["inputSchema"], Tool["inputSchema"]] | undefined {
  if (typeof __K8S_MCP_TOOL_LISTING__ !== "string") return undefined;
  parsed ??= JSON.parse(__K8S_MCP_TOOL_LISTING__) as ListingTable;
  const entry = parsed.tools[key];
  const input = entry && parsed.schemas[entry[0]];
  const output = entry && parsed.schemas[entry[1]];
  return input && output ? [input, output] : undefined;
}
