// Start-up builds no tool schema: defining, registering and listing the tools constructs no zod schema; a tool's
// schemas are built on its first call, once, and validate as before.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { buildDeps, closeDeps } from "../../../src/app.js";
import { ConfigSchema } from "../../../src/config/index.js";
import { createLogger } from "../../../src/log.js";
import type { ServerDeps } from "../../../src/mcp/deps.js";
import type { ToolSchemaTable } from "../../../src/mcp/tool-list.js";
import { snapshotToolSchemas } from "../../../src/mcp/tool-schemas-snapshot.js";

// zod calls globalConfig.postProcessor on every schema it constructs (core.js, $constructor).
const zodConfig = (globalThis as { __zod_globalConfig?: { postProcessor?: (s: unknown) => void } })
  .__zod_globalConfig;
let built = 0;

// Whether the code that built a schema (the nearest frame outside node_modules) is a tool, the MCP layer or this
// test; the config schema, which the re-import below evaluates again, is not a tool schema.
function fromToolCode(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 100;
  // Past the "Error" line, this function and the hook below.
  const frames = (new Error().stack ?? "").split("\n").slice(3);
  Error.stackTraceLimit = limit;
  const caller = frames.find((f) => /\/(src|test)\//.test(f) && !f.includes("node_modules"));
  return /\/src\/(tools|mcp)\/|lazy-schemas\.test\.ts/.test(caller ?? "");
}

function countSchemas(): void {
  if (!zodConfig) throw new Error("zod's global config is missing: this test cannot count schemas");
  zodConfig.postProcessor = () => {
    if (fromToolCode()) built++;
  };
  built = 0;
  z.string();
  // The counter must see a construction, or a zero below would prove nothing.
  expect(built).toBe(1);
  built = 0;
}

let dir: string;
let table: ToolSchemaTable;
let deps: ServerDeps;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "k8s-mcp-lazy-"));
  table = await snapshotToolSchemas();
  const config = ConfigSchema.parse({ kubeconfig_dir: dir, auto_discovery: false });
  deps = await buildDeps(config, createLogger({ level: "error", write: () => {} }), {});
});

afterAll(() => {
  if (zodConfig) zodConfig.postProcessor = undefined;
  closeDeps(deps);
  rmSync(dir, { recursive: true, force: true });
});

describe("tool schemas are built on first use", () => {
  it("importing, defining, registering and listing every tool builds none; the first call builds them once", async () => {
    countSchemas();
    // Fresh copies of the tool modules, so their import is counted too (zod itself stays loaded).
    vi.resetModules();
    const { allTools } = await import("../../../src/tools/index.js");
    const { registerTools } = await import("../../../src/mcp/register.js");
    const tools = allTools(deps.config, true);
    const server = new McpServer({ name: "lazy", version: "0" });
    const names = registerTools(server, tools, deps, () => table);
    const [near, far] = InMemoryTransport.createLinkedPair();
    await server.connect(far);
    const client = new Client({ name: "lazy-test", version: "0" });
    await client.connect(near);
    const listed = await client.listTools();
    expect(names.length).toBeGreaterThan(20);
    expect(listed.tools.map((t) => t.name)).toEqual(names);
    expect(listed.tools.every((t) => t.outputSchema !== undefined)).toBe(true);
    expect(built).toBe(0);

    const call = async (args: Record<string, unknown>): Promise<CallToolResult> =>
      (await client.callTool({ name: "clusters_list", arguments: args })) as CallToolResult;
    const ok = await call({ show_details: true });
    expect(ok.isError).toBeFalsy();
    expect(ok.structuredContent).toMatchObject({ active: null, clusters: [] });
    const first = built;
    expect(first).toBeGreaterThan(0);
    const bad = await call({ show_details: "yes" });
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toContain("show_details");
    const unknown = await call({ bogus: 1 });
    expect(JSON.stringify(unknown.content)).toContain("unknown argument 'bogus'");
    // Built once: later calls, failed or not, construct nothing more than parsing itself does.
    const after = built;
    await call({});
    expect(built - after).toBeLessThan(first);
    await client.close();
  });
});
