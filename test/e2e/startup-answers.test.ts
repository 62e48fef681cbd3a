// The built bin's start-up answers, driven by the SDK v2 client in both eras: the second start with the same
// configuration answers the opening requests before the SDK loads, and the client cannot tell the difference.
import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, describe, expect, it, vi } from "vitest";
import { CLI_PATH, spawnServer } from "../helpers/stdio-process.js";

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "k8s-mcp-sa-e2e-"));
  roots.push(d);
  return d;
}

// Probes the era on its own connection (the base class would probe on a sibling process).
class InPlaceStdioTransport extends StdioClientTransport {}

const ERAS = [
  { era: "2025-11-25", mode: "legacy" as const, opening: "initialize" },
  { era: "2026-07-28", mode: { pin: "2026-07-28" as const }, opening: "server/discover" },
];

interface Seen {
  tools: unknown;
  instructions: string | undefined;
  capabilities: unknown;
  call: unknown;
  early: string[];
}

async function session(
  mode: (typeof ERAS)[number]["mode"],
  cache: string,
  args: string[],
  cacheSetting: string = cache,
  extraEnv: Record<string, string> = {},
): Promise<Seen> {
  const transport = new InPlaceStdioTransport({
    command: process.execPath,
    args: [CLI_PATH, "--log-level", "debug", ...args],
    env: {
      ...(process.env as Record<string, string>),
      KUBECONFIG: "",
      K8S_MCP_STARTUP_CACHE: cacheSetting,
      ...extraEnv,
    },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString("utf8");
  });
  const client = new Client(
    { name: "startup-answers-e2e", version: "1.0.0" },
    { versionNegotiation: { mode } },
  );
  await client.connect(transport);
  try {
    const tools = await client.listTools();
    const call = await client.callTool({ name: "clusters_list", arguments: {} });
    expect(call.isError).not.toBe(true);
    const lines = stderr.matchAll(
      /answered from the start-up cache method="?([\w/]+)"? keyed_by="?(start memo|configuration)/g,
    );
    const early = [...lines].map((m) => `${m[1]} (${m[2]})`);
    return {
      tools,
      instructions: client.getInstructions(),
      capabilities: client.getServerCapabilities(),
      call: call.structuredContent,
      early,
    };
  } finally {
    await client.close();
  }
}

describe.each(ERAS)("start-up answers, $era", ({ mode, opening, era }) => {
  it("the second start answers the opening requests from the cache, exactly as the SDK did", async () => {
    const cache = join(tempDir(), "startup");
    const args = ["--kubeconfig-dir", tempDir()];
    const cold = await session(mode, cache, args);
    expect(cold.early).toEqual([]);
    expect(readdirSync(cache).length).toBeGreaterThanOrEqual(2);
    const warm = await session(mode, cache, args);
    // The same invocation: the bin answers from its start memo, before flags and configuration load.
    expect(warm.early).toEqual([`${opening} (start memo)`, "tools/list (start memo)"]);
    expect(warm.tools).toEqual(cold.tools);
    expect(warm.instructions).toEqual(cold.instructions);
    expect(warm.capabilities).toEqual(cold.capabilities);
    // The SDK saw the opening requests too: the call after them is served as on a cold start.
    expect(warm.call).toEqual(cold.call);
    expect(JSON.stringify(warm.tools)).toContain("clusters_list");
    expect(era).toMatch(/^\d{4}-/);
  });

  it("another configuration is answered by the SDK, not from the first one's cache", async () => {
    const cache = join(tempDir(), "startup");
    const dir = tempDir();
    const writable = await session(mode, cache, ["--kubeconfig-dir", dir]);
    const readOnly = await session(mode, cache, ["--kubeconfig-dir", dir, "--read-only"]);
    expect(readOnly.early).toEqual([]);
    const names = (s: Seen): string[] => (s.tools as { tools: { name: string }[] }).tools.map((t) => t.name);
    expect(names(readOnly).length).toBeLessThan(names(writable).length);
    expect(names(readOnly)).not.toContain("resources_delete");
  });

  it("a changed invocation or config file is resolved again before it is answered", async () => {
    const cache = join(tempDir(), "startup");
    const file = join(tempDir(), "k8s-mcp.toml");
    writeFileSync(file, `kubeconfig_dir = ${JSON.stringify(tempDir())}\n`);
    const args = ["--config", file];
    const cold = await session(mode, cache, args);
    const byMemo = [`${opening} (start memo)`, "tools/list (start memo)"];
    const byConfig = [`${opening} (configuration)`, "tools/list (configuration)"];
    expect((await session(mode, cache, args)).early).toEqual(byMemo);
    // Another environment: the memo does not apply; the configuration it resolves to is the same one.
    expect((await session(mode, cache, args, cache, { K8S_MCP_E2E_EXTRA: "1" })).early).toEqual(byConfig);
    // The file edited without a change of setting: resolved again, then the memo is current again.
    appendFileSync(file, "# edited\n");
    expect((await session(mode, cache, args)).early).toEqual(byConfig);
    expect((await session(mode, cache, args)).early).toEqual(byMemo);
    // A changed setting: nothing answered early, and the answers follow the file.
    appendFileSync(file, "read_only = true\n");
    const readOnly = await session(mode, cache, args);
    expect(readOnly.early).toEqual([]);
    expect(JSON.stringify(readOnly.tools)).not.toContain("resources_delete");
    expect(JSON.stringify(cold.tools)).toContain("resources_delete");
  });

  it("K8S_MCP_STARTUP_CACHE=off keeps and answers nothing", async () => {
    const cache = join(tempDir(), "startup");
    const args = ["--kubeconfig-dir", tempDir()];
    await session(mode, cache, args, "off");
    const second = await session(mode, cache, args, "off");
    expect(second.early).toEqual([]);
    expect(() => readdirSync(cache)).toThrow(/ENOENT/);
  });
});

describe("start-up answers on a closed stdin", () => {
  it("answers every request written before stdin closed, early ones and the rest, then exits 0", async () => {
    const cache = join(tempDir(), "startup");
    const args = ["--kubeconfig-dir", tempDir()];
    const init = {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "pipe", version: "1" },
    };
    const run = async (): Promise<{ ids: unknown[]; code: number | null }> => {
      const srv = spawnServer(args, { K8S_MCP_STARTUP_CACHE: cache });
      const lines = [
        { jsonrpc: "2.0", id: 1, method: "initialize", params: init },
        { jsonrpc: "2.0", method: "notifications/initialized" },
        { jsonrpc: "2.0", id: 2, method: "tools/list" },
        { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "clusters_list", arguments: {} } },
      ];
      srv.child.stdin?.end(lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
      const { code } = await srv.exited;
      const ids = srv.stdoutLines.map((l) => (JSON.parse(l) as { id?: unknown }).id).sort();
      return { ids, code };
    };
    expect(await run()).toEqual({ ids: [1, 2, 3], code: 0 });
    expect(readdirSync(cache).length).toBeGreaterThanOrEqual(2);
    expect(await run()).toEqual({ ids: [1, 2, 3], code: 0 });
  });

  it("exits 0 on SIGTERM after an opening answered before the SDK loaded", async () => {
    const cache = join(tempDir(), "startup");
    const args = ["--kubeconfig-dir", tempDir(), "--log-level", "debug"];
    const init = {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "sig", version: "1" },
    };
    const first = spawnServer(args, { K8S_MCP_STARTUP_CACHE: cache });
    expect((await first.request("initialize", init)).result).toBeDefined();
    first.child.stdin?.end();
    expect((await first.exited).code).toBe(0);
    const p = spawnServer(args, { K8S_MCP_STARTUP_CACHE: cache });
    const answer = await p.request("initialize", init);
    expect(answer.result).toEqual((JSON.parse(first.stdoutLines[0] ?? "{}") as { result: unknown }).result);
    await vi.waitFor(() => expect(p.stderr()).toContain("answered from the start-up cache"));
    p.child.kill("SIGTERM");
    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(p.stderr()).toMatch(/shutting down reason="?SIGTERM/);
  });
});
