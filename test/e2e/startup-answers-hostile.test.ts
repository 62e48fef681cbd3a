// The built bin's start-up answers against a hostile or broken client and a tampered cache: every reply is the one
// the SDK gives (era, message rules, a reused id), stdout stays JSON-RPC, and a pipe or FIFO is never read early.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { CLI_PATH, INITIALIZE_PARAMS, spawnServer } from "../helpers/stdio-process.js";

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "k8s-mcp-sah-e2e-"));
  roots.push(d);
  return d;
}

interface Message {
  id?: unknown;
  result?: { tools?: { name: string }[] };
  error?: { message: string };
}
interface Exchange {
  byId: Map<unknown, Message[]>;
  lines: string[];
  code: number | null;
  early: string[];
}

const rpc = (id: string | number, method: string, params?: unknown): object =>
  params === undefined ? { jsonrpc: "2.0", id, method } : { jsonrpc: "2.0", id, method, params };
const META = {
  _meta: {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientInfo": { name: "hostile", version: "1" },
    "io.modelcontextprotocol/clientCapabilities": {},
  },
};

// Writes `messages` at once, waits for a reply to each of `ids` (an id twice: two replies), closes stdin, waits.
async function exchange(
  cache: string,
  args: string[],
  messages: object[],
  ids: unknown[],
): Promise<Exchange> {
  const srv = spawnServer(["--log-level", "debug", ...args], { K8S_MCP_STARTUP_CACHE: cache });
  srv.child.stdin?.write(messages.map((m) => `${JSON.stringify(m)}\n`).join(""));
  const parsed = (): Message[] => srv.stdoutLines.map((l) => JSON.parse(l) as Message);
  await vi.waitFor(
    () => {
      expect(new Set(parsed().map((m) => m.id))).toEqual(new Set(ids));
      expect(parsed().length).toBeGreaterThanOrEqual(ids.length);
    },
    { timeout: 10_000 },
  );
  srv.child.stdin?.end();
  const { code } = await srv.exited;
  const byId = new Map<unknown, Message[]>();
  for (const m of parsed()) byId.set(m.id, [...(byId.get(m.id) ?? []), m]);
  const early = [...srv.stderr().matchAll(/answered from the start-up cache method="?([\w/]+)/g)].map(
    (m) => m[1] ?? "",
  );
  return { byId, lines: srv.stdoutLines, code, early };
}

const LEGACY = [rpc(1, "initialize", INITIALIZE_PARAMS), rpc(2, "tools/list")];
const MODERN = [rpc("d", "server/discover", META), rpc(3, "tools/list", META)];

describe("start-up answers and a hostile client", () => {
  it("answers each era from its own opening only, as the SDK pins the connection", async () => {
    const cache = join(tempDir(), "startup");
    const args = ["--kubeconfig-dir", tempDir()];
    await exchange(cache, args, LEGACY, [1, 2]);
    await exchange(cache, args, MODERN, ["d", 3]);
    // A modern request pins the modern era: a bare tools/list after it is refused, not answered from the cache.
    const modernFirst = await exchange(
      cache,
      args,
      [rpc(3, "tools/list", META), rpc(2, "tools/list")],
      [3, 2],
    );
    expect(modernFirst.early).toEqual(["tools/list"]);
    expect(modernFirst.byId.get(2)?.[0]?.error?.message).toMatch(/_meta envelope/);
    // initialize pins the 2025 era, which has no server/discover.
    const legacyFirst = await exchange(
      cache,
      args,
      [rpc(1, "initialize", INITIALIZE_PARAMS), MODERN[0] as object],
      [1, "d"],
    );
    expect(legacyFirst.early).toEqual(["initialize"]);
    expect(legacyFirst.byId.get("d")?.[0]?.error?.message).toMatch(/Method not found/);
  });

  it("refuses what the SDK refuses (a fractional id, an unknown member, null params), cache or not", async () => {
    const cache = join(tempDir(), "startup");
    const args = ["--kubeconfig-dir", tempDir()];
    await exchange(cache, args, LEGACY, [1, 2]);
    const bad = [
      { ...rpc(1.5, "initialize", INITIALIZE_PARAMS) },
      { ...rpc(7, "tools/list"), extra: 1 },
      rpc(8, "tools/list", null),
    ];
    const warm = await exchange(cache, args, bad, [1.5, 7, 8]);
    expect(warm.early).toEqual([]);
    for (const id of [1.5, 7, 8]) expect(warm.byId.get(id)?.[0]?.error).toBeDefined();
  });

  it("still answers a request reusing the id of one answered early and then cancelled", async () => {
    const cache = join(tempDir(), "startup");
    const args = ["--kubeconfig-dir", tempDir()];
    await exchange(cache, args, LEGACY, [1, 2]);
    const cancel = { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1 } };
    const call = rpc(1, "tools/call", { name: "clusters_list", arguments: {} });
    const warm = await exchange(cache, args, [LEGACY[0] as object, cancel, call], [1, 1]);
    expect(warm.byId.get(1)).toHaveLength(2);
    expect(warm.early).toEqual(["initialize"]);
    expect(warm.byId.get(1)?.[1]?.result).toHaveProperty("structuredContent");
    expect(warm.code).toBe(0);
  });
});

describe("start-up answers and the end of a session", () => {
  it("answers every request written before stdin closed, however large the answers, cold and warm", async () => {
    const cache = join(tempDir(), "startup");
    const args = ["--kubeconfig-dir", tempDir()];
    const lists = Array.from({ length: 100 }, (_, i) => rpc(i + 2, "tools/list"));
    for (const start of ["cold", "warm"]) {
      const srv = spawnServer(args, { K8S_MCP_STARTUP_CACHE: cache });
      const closed = new Promise((resolve) => srv.child.once("close", resolve));
      srv.child.stdin?.end([LEGACY[0] as object, ...lists].map((m) => `${JSON.stringify(m)}\n`).join(""));
      await closed;
      // Every line whole (none cut at exit) and every request answered once.
      const ids = srv.stdoutLines.map((l) => (JSON.parse(l) as Message).id);
      expect({ start, ids: ids.length, distinct: new Set(ids).size }).toEqual({
        start,
        ids: 101,
        distinct: 101,
      });
      expect(await srv.exited).toEqual({ code: 0, signal: null });
    }
  });

  it("takes its shutdown path when stdin closes after a request it was waiting for was cancelled", async () => {
    const cache = join(tempDir(), "startup");
    const args = ["--kubeconfig-dir", tempDir(), "--log-level", "debug"];
    await exchange(cache, args, [LEGACY[0] as object], [1]);
    // Warm: stdin is read from the start, so all three wait for the SDK, which answers no cancelled request.
    const srv = spawnServer(args, { K8S_MCP_STARTUP_CACHE: cache });
    const call = rpc(3, "tools/call", { name: "clusters_status", arguments: {} });
    const cancel = { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 3 } };
    srv.child.stdin?.end([LEGACY[0] as object, call, cancel].map((m) => `${JSON.stringify(m)}\n`).join(""));
    expect(await srv.exited).toEqual({ code: 0, signal: null });
    expect(srv.stderr()).toMatch(/shutting down reason="?stdin closed/);
  });

  it("exits 0 on SIGTERM while a client that stopped reading leaves answers unwritten", async () => {
    const srv = spawnServer(["--kubeconfig-dir", tempDir()], { K8S_MCP_STARTUP_CACHE: "off" });
    srv.child.stdout?.pause();
    const lists = Array.from({ length: 20 }, (_, i) => rpc(i + 2, "tools/list"));
    srv.child.stdin?.write([LEGACY[0] as object, ...lists].map((m) => `${JSON.stringify(m)}\n`).join(""));
    await vi.waitFor(() => expect(srv.stderr()).toContain("serving MCP on stdio"));
    srv.child.kill("SIGTERM");
    expect(await srv.exited).toEqual({ code: 0, signal: null });
  });
});

describe("start-up answers and a tampered cache or config", () => {
  it("keeps a --config read from a pipe (`<(...)`): the file's settings hold on every start", async () => {
    const cache = join(tempDir(), "startup");
    const kubeDir = tempDir();
    const toolsOf = async (): Promise<string[]> => {
      // bash's process substitution: the config file is a pipe, readable once (`--config <(...)`).
      const script = `exec "$0" "$1" --config <(printf 'read_only = true\\n') --kubeconfig-dir "$2"`;
      const child = spawn("bash", ["-c", script, process.execPath, CLI_PATH, kubeDir], {
        env: { ...process.env, KUBECONFIG: "", K8S_MCP_STARTUP_CACHE: cache },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let out = "";
      child.stdout?.on("data", (c: Buffer) => {
        out += c.toString("utf8");
      });
      child.stdin?.end(LEGACY.map((m) => `${JSON.stringify(m)}\n`).join(""));
      await new Promise((resolve) => child.once("exit", resolve));
      const list = out
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Message)
        .find((m) => m.id === 2);
      return (list?.result?.tools ?? []).map((t) => t.name);
    };
    for (let start = 0; start < 3; start++) {
      const names = await toolsOf();
      expect(names).toContain("pods_list");
      expect(names).not.toContain("resources_delete");
    }
  });

  it("ignores a start memo whose max_request_bytes is not a positive integer", async () => {
    const cache = join(tempDir(), "startup");
    const args = ["--kubeconfig-dir", tempDir()];
    const opening = [
      LEGACY[0] as object,
      { jsonrpc: "2.0", method: "notifications/initialized" },
      LEGACY[1] as object,
    ];
    await exchange(cache, args, opening, [1, 2]);
    const memo = readdirSync(cache).find((f) => f.startsWith("start-")) as string;
    const edited = { ...(JSON.parse(readFileSync(join(cache, memo), "utf8")) as object), maxBytes: 0 };
    writeFileSync(join(cache, memo), JSON.stringify(edited));
    const warm = await exchange(cache, args, opening, [1, 2]);
    // Every line of the session within the resolved limit: no request or notification refused as oversized.
    expect(warm.lines).toHaveLength(2);
    expect(warm.byId.get(2)?.[0]?.result?.tools?.length).toBeGreaterThan(0);
  });

  it("answers a hand-formatted cache file as one JSON-RPC line, and neither waits on nor reads a FIFO", async () => {
    const cache = join(tempDir(), "startup");
    const args = ["--kubeconfig-dir", tempDir()];
    const cold = await exchange(cache, args, LEGACY, [1, 2]);
    const files = readdirSync(cache).map((f) => join(cache, f));
    const answer = files
      .filter((f) => !f.includes("start-"))
      .sort((a, b) => statSync(b).size - statSync(a).size)[0];
    writeFileSync(
      answer as string,
      JSON.stringify(JSON.parse(readFileSync(answer as string, "utf8")), null, 2),
    );
    const pretty = await exchange(cache, args, LEGACY, [1, 2]);
    expect(pretty.early).toEqual(["initialize", "tools/list"]);
    expect(pretty.lines).toHaveLength(2);
    expect(pretty.byId.get(2)).toEqual(cold.byId.get(2));
    for (const f of files) {
      rmSync(f);
      execFileSync("mkfifo", [f]);
    }
    const fifos = await exchange(cache, args, LEGACY, [1, 2]);
    expect(fifos.early).toEqual([]);
    expect(fifos.byId.get(2)).toEqual(cold.byId.get(2));
    expect(fifos.code).toBe(0);
  });
});
