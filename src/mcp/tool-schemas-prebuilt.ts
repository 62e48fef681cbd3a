// The tools/list JSON Schemas snapshotted at build time (esbuild `define`), absent when the source runs under tsx.
import type { ToolSchemaTable } from "./tool-list.js";

declare const __K8S_MCP_TOOL_SCHEMAS__: string;

let parsed: ToolSchemaTable | undefined;

/** Why: the bundle answers tools/list from JSON converted at build time; parsed on the first tools/list only. */
export function prebuiltToolSchemas(): ToolSchemaTable | undefined {
  if (typeof __K8S_MCP_TOOL_SCHEMAS__ !== "string") return undefined;
  parsed ??= JSON.parse(__K8S_MCP_TOOL_SCHEMAS__) as ToolSchemaTable;
  return parsed;
}
