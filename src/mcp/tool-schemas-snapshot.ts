// Build time (scripts/build.mjs) and tests only: every tool's published JSON Schemas in every config variant,
// taken from the SDK's own tools/list handler, so the snapshot the bundle answers with is the live answer.

import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { JSONRPCMessage, Tool } from "@modelcontextprotocol/sdk/types.js";
import { type Config, ConfigSchema } from "../config/index.js";
import { allTools } from "../tools/index.js";
import { publicSchemaKey, toolRegistration } from "./public-schema.js";
import type { ToolSchemaTable } from "./tool-list.js";

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

/** Why: a server's tools/list result as its handler returns it (no client-side parsing), as sent on the wire. */
export async function rawToolList(server: McpServer): Promise<{ tools: Tool[] }> {
  const [near, far] = InMemoryTransport.createLinkedPair();
  await server.connect(far);
  const answer = new Promise<JSONRPCMessage>((resolve) => {
    near.onmessage = resolve;
  });
  await near.start();
  await near.send({ jsonrpc: "2.0", id: 1, method: "tools/list" });
  const reply = await answer;
  await server.close();
  if (!("result" in reply)) throw new Error(`tools/list failed: ${JSON.stringify(reply)}`);
  return reply.result as { tools: Tool[] };
}

/** Why: the answer of the SDK's own tools/list handler (no override) for every tool of `config`'s variant. */
export async function sdkToolList(config: Config): Promise<{ tools: Tool[]; keys: Map<string, string> }> {
  const server = new McpServer({ name: "snapshot", version: "0" });
  const keys = new Map<string, string>();
  for (const tool of allTools(config, true)) {
    server.registerTool(tool.name, toolRegistration(tool, config), () => ({ content: [] }));
    keys.set(tool.name, publicSchemaKey(tool, config));
  }
  const { tools } = JSON.parse(JSON.stringify(await rawToolList(server))) as { tools: Tool[] };
  return { tools, keys };
}

/** Why: what the build embeds; a key that maps to two different schemas fails the build (it misses an input). */
export async function snapshotToolSchemas(): Promise<ToolSchemaTable> {
  const table: ToolSchemaTable = { schemas: [], tools: {} };
  const index = new Map<string, number>();
  const intern = (schema: Tool["inputSchema"]): number => {
    const text = JSON.stringify(schema);
    let i = index.get(text);
    if (i === undefined) {
      i = table.schemas.push(schema) - 1;
      index.set(text, i);
    }
    return i;
  };
  for (const config of snapshotVariants()) {
    const { tools, keys } = await sdkToolList(config);
    for (const t of tools) {
      const key = keys.get(t.name) ?? t.name;
      if (!t.outputSchema) throw new Error(`tool ${t.name}: no outputSchema (every tool declares one)`);
      const entry: [number, number] = [intern(t.inputSchema), intern(t.outputSchema)];
      const seen = table.tools[key];
      if (seen && (seen[0] !== entry[0] || seen[1] !== entry[1]))
        throw new Error(`tool ${t.name}: schemas differ between variants under one key '${key}'`);
      table.tools[key] = entry;
    }
  }
  return table;
}
