// tools/list in the SDK's own shape, its JSON Schemas taken from the build-time snapshot instead of converting
// every tool's zod schemas on each answer; a tool the snapshot lacks (source run under tsx) is converted live.
import type { McpServer, RegisteredTool } from "@modelcontextprotocol/sdk/server/mcp.js";
import { type AnySchema, normalizeObjectSchema } from "@modelcontextprotocol/sdk/server/zod-compat.js";
import { toJsonSchemaCompat } from "@modelcontextprotocol/sdk/server/zod-json-schema-compat.js";
import { ListToolsRequestSchema, type ListToolsResult, type Tool } from "@modelcontextprotocol/sdk/types.js";

/** Why: the published JSON Schemas of every tool in every config variant, each distinct schema stored once. */
export interface ToolSchemaTable {
  schemas: Tool["inputSchema"][];
  /** publicSchemaKey → [index of inputSchema, index of outputSchema] in `schemas`. */
  tools: Record<string, [number, number]>;
}

/** Why: a registered tool as tools/list needs it: the SDK's record plus the key of its snapshot entry. */
export interface ListedTool {
  name: string;
  key: string;
  registered: RegisteredTool;
}

// The conversion the SDK's own tools/list handler applies (mcp.js, setToolRequestHandlers).
function live(
  schema: AnySchema | undefined,
  pipeStrategy: "input" | "output",
): Tool["inputSchema"] | undefined {
  const obj = normalizeObjectSchema(schema);
  return obj && (toJsonSchemaCompat(obj, { strictUnions: true, pipeStrategy }) as Tool["inputSchema"]);
}

// Field for field and in the order of the SDK's handler, so the bytes on the wire are the same. A tool's zod
// schemas are read (and so built) only when the snapshot lacks it: every tool has both schemas.
function describeTool(t: ListedTool, table: ToolSchemaTable | undefined): Tool {
  const rt = t.registered;
  const pre = table?.tools[t.key];
  const input = pre && table?.schemas[pre[0]];
  const output = pre && table?.schemas[pre[1]];
  const def: Tool = {
    name: t.name,
    title: rt.title,
    description: rt.description,
    inputSchema: input ?? live(rt.inputSchema, "input") ?? { type: "object", properties: {} },
    annotations: rt.annotations,
    execution: rt.execution,
    _meta: rt._meta,
  };
  const out = output ?? (rt.outputSchema && live(rt.outputSchema, "output"));
  if (out) def.outputSchema = out;
  return def;
}

// Tools registered on each server so far: registerTools may run more than once on one server.
const listedBy = new WeakMap<McpServer, ListedTool[]>();

/** Why: replaces the SDK's tools/list handler (which converts every schema per answer) for `server`. */
export function serveToolList(
  server: McpServer,
  tools: readonly ListedTool[],
  schemas: () => ToolSchemaTable | undefined,
): void {
  const all = [...(listedBy.get(server) ?? []), ...tools];
  listedBy.set(server, all);
  // The SDK declares the tools capability on the first registration; without one there is nothing to list.
  if (!all.length) return;
  server.server.setRequestHandler(ListToolsRequestSchema, (): ListToolsResult => {
    const table = schemas();
    return { tools: all.filter((t) => t.registered.enabled).map((t) => describeTool(t, table)) };
  });
}
