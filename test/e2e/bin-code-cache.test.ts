// The built bin's start-up cache: Node's own compile cache for the ES bundle. Each start is a real server process
// answering initialize, tools/list and a call.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawnServer } from "../helpers/stdio-process.js";

const roots: string[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "k8s-mcp-cc-"));
  roots.push(d);
  return d;
}

interface Start {
  stderr: string;
  toolCount: number;
}

// One host session: initialize, tools/list, one tool call (unless `listOnly`), stdin closed; the server must exit
// 0 and write nothing but JSON-RPC on stdout.
async function start(
  env: Record<string, string>,
  listOnly = false,
  args: string[] = ["--kubeconfig-dir", tempDir()],
): Promise<Start> {
  const srv = spawnServer(args, { NODE_DEBUG: "k8s-mcp", ...env });
  const init = await srv.request("initialize", {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "cache-test", version: "1" },
  });
  expect(init.error).toBeUndefined();
  srv.notify("notifications/initialized");
  const list = await srv.request("tools/list");
  const tools = (list.result as { tools?: unknown[] } | undefined)?.tools ?? [];
  if (!listOnly) {
    const call = await srv.request("tools/call", { name: "clusters_list", arguments: {} });
    expect((call.result as { isError?: boolean } | undefined)?.isError).not.toBe(true);
  }
  srv.child.stdin?.end();
  const exit = await srv.exited;
  expect(exit).toEqual({ code: 0, signal: null });
  for (const line of srv.stdoutLines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: "2.0" });
  return { stderr: srv.stderr(), toolCount: tools.length };
}

afterAll(() => {
  for (const d of roots) rmSync(d, { recursive: true, force: true });
});

describe("the bin's start-up cache", () => {
  it("is written by the first start and used as is by the next", async () => {
    const root = tempDir();
    const first = await start({ NODE_COMPILE_CACHE: root });
    expect(first.toolCount).toBeGreaterThan(10);
    expect(readdirSync(root).length).toBeGreaterThan(0);
    const second = await start({ NODE_COMPILE_CACHE: root });
    expect(second.toolCount).toBe(first.toolCount);
  });

  it("is not written when NODE_DISABLE_COMPILE_CACHE=1, and the bin still starts", async () => {
    const root = tempDir();
    const s = await start({ NODE_COMPILE_CACHE: root, NODE_DISABLE_COMPILE_CACHE: "1" });
    expect(s.toolCount).toBeGreaterThan(10);
    expect(readdirSync(root)).toEqual([]);
  });
});

// A classic kubeconfig with two contexts: read and merged at start-up, unlike a directory's files.
function classicKubeconfig(dir: string): string {
  const path = join(dir, "config");
  const ctx = (n: string): string => `- name: ${n}\n  context:\n    cluster: ${n}\n    user: ${n}\n`;
  const cluster = (n: string): string => `- name: ${n}\n  cluster:\n    server: https://127.0.0.1:1\n`;
  const user = (n: string): string => `- name: ${n}\n  user:\n    token: t-${n}\n`;
  writeFileSync(
    path,
    `apiVersion: v1\nkind: Config\nclusters:\n${cluster("a")}${cluster("b")}users:\n${user("a")}${user("b")}contexts:\n${ctx("a")}${ctx("b")}current-context: a\n`,
  );
  return path;
}

describe("a start that answers initialize and tools/list", () => {
  // A classic kubeconfig is read at start (its contexts are the cluster names) by the one kubeconfig store, which
  // keys that read's single parse on the content's sha256, so node:crypto loads there (about 0.5 ms on this
  // machine, load and first hash); start-up answers key their cache on a sha256 too. A directory start without
  // them reads names only and loads node:crypto on first use.
  it.each([
    ["a kubeconfig directory", (_dir: string): string[] => ["--kubeconfig-dir", tempDir()], "crypto|", "off"],
    ["a classic kubeconfig", (dir: string): string[] => ["--kubeconfig", classicKubeconfig(dir)], "", ""],
  ])(
    "with %s loads none of child_process, fs/promises, http, https, tls (the bundle takes them on first use)",
    async (_label, args, crypto, startupCache) => {
      const dir = tempDir();
      const list = join(dir, "modules.txt");
      const hook = join(dir, "module-list.cjs");
      writeFileSync(
        hook,
        `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join("\\n")));\n`,
      );
      const env = {
        NODE_OPTIONS: `--require ${hook}`,
        NODE_COMPILE_CACHE: dir,
        K8S_MCP_STARTUP_CACHE: startupCache,
      };
      const s = await start(env, true, args(dir));
      expect(s.toolCount).toBeGreaterThan(10);
      const loaded = readFileSync(list, "utf8").split("\n");
      expect(loaded).toContain("NativeModule net"); // the list is real: stdio pipes are net sockets
      const eager = loaded.filter((m) =>
        new RegExp(`^NativeModule (child_process|${crypto}fs/promises|http|https|tls)$`).test(m),
      );
      expect(eager).toEqual([]);
    },
  );
});
