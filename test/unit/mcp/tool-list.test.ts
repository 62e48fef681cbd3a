// tools/list from the build-time snapshot is the SDK's own live answer, for every tool in every config variant.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, closeDeps } from "../../../src/app.js";
import { type Config, ConfigSchema } from "../../../src/config/index.js";
import { createLogger } from "../../../src/log.js";
import type { ServerDeps } from "../../../src/mcp/deps.js";
import { publicSchemaKey } from "../../../src/mcp/public-schema.js";
import { registerTools } from "../../../src/mcp/register.js";
import type { ToolSchemaTable } from "../../../src/mcp/tool-list.js";
import {
  rawToolList,
  sdkToolList,
  snapshotToolSchemas,
  snapshotVariants,
} from "../../../src/mcp/tool-schemas-snapshot.js";
import { allTools } from "../../../src/tools/index.js";

let dir: string;
let table: ToolSchemaTable;
const opened: ServerDeps[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "k8s-mcp-tool-list-"));
  table = await snapshotToolSchemas();
});

afterAll(() => {
  for (const d of opened) closeDeps(d);
  rmSync(dir, { recursive: true, force: true });
});

async function depsFor(config: Config): Promise<ServerDeps> {
  const logger = createLogger({ level: "error", write: () => {} });
  const deps = await buildDeps({ ...config, kubeconfig_dir: dir, auto_discovery: false }, logger, {});
  opened.push(deps);
  return deps;
}

// Our tools/list handler on a server like createServer's (nsk tools included), with the given snapshot.
async function ourToolList(config: Config, schemas: ToolSchemaTable | undefined): Promise<Tool[]> {
  const server = new McpServer({ name: "snapshot", version: "0" });
  registerTools(server, allTools(config, true), await depsFor(config), () => schemas);
  return (await rawToolList(server)).tools;
}

const wire = (tools: Tool[]): string => JSON.stringify(tools);

describe("tools/list snapshot", () => {
  const variants = snapshotVariants();

  it("covers the settings that shape schemas", () => {
    expect(variants).toHaveLength(16);
    expect(new Set(Object.keys(table.tools).map((k) => k.split("|")[0])).size).toBeGreaterThan(20);
  });

  for (const [i, config] of variants.entries()) {
    const name = `read_only=${config.read_only} disable_destructive=${config.disable_destructive} require_cluster=${config.require_cluster} confirm=${config.confirm_clusters.length > 0}`;

    it(`prebuilt == live == the SDK's own handler (${i}: ${name})`, async () => {
      const sdk = (await sdkToolList(config)).tools;
      const prebuilt = await ourToolList(config, table);
      const live = await ourToolList(config, undefined);
      const listed = new Set(prebuilt.map((t) => t.name));
      expect(listed.size).toBeGreaterThan(0);
      expect(wire(prebuilt)).toBe(wire(sdk.filter((t) => listed.has(t.name))));
      expect(wire(live)).toBe(wire(prebuilt));
    });
  }

  it("answers from the snapshot's own objects (no conversion) when it has the tool", async () => {
    const config = ConfigSchema.parse({ require_cluster: true });
    const tools = await ourToolList(config, table);
    const byName = new Map(allTools(config, true).map((t) => [t.name, t]));
    for (const t of tools) {
      const tool = byName.get(t.name);
      if (!tool) throw new Error(`unexpected tool ${t.name}`);
      const entry = table.tools[publicSchemaKey(tool, config)];
      expect(entry, t.name).toBeDefined();
      expect(t.inputSchema).toBe(table.schemas[entry?.[0] ?? -1]);
      expect(t.outputSchema).toBe(table.schemas[entry?.[1] ?? -1]);
    }
  });

  it("converts live a tool the snapshot lacks, and lists tools registered later", async () => {
    const config = ConfigSchema.parse({});
    const [first, ...rest] = allTools(config, true);
    if (!first) throw new Error("no tools");
    const missing = publicSchemaKey(first, config);
    const partial: ToolSchemaTable = {
      schemas: table.schemas,
      tools: Object.fromEntries(Object.entries(table.tools).filter(([k]) => k !== missing)),
    };
    const server = new McpServer({ name: "snapshot", version: "0" });
    const deps = await depsFor(config);
    registerTools(server, rest, deps, () => partial);
    registerTools(server, [first], deps, () => partial);
    const tools = (await rawToolList(server)).tools;
    const sdk = (await sdkToolList(config)).tools;
    const expected = [...rest, first].map((t) => sdk.find((s) => s.name === t.name));
    expect(wire(tools)).toBe(wire(expected.filter((t): t is Tool => t !== undefined)));
  });
});
