// The built bin's start-up cache: on Node 20 its own V8 code cache for dist/main.cjs, on Node >= 22.1 Node's
// compile cache for the ES bundle. Each start is a real server process answering initialize, tools/list and a call.
import {
  chmodSync,
  chownSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import nodeModule from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI_PATH, spawnServer } from "../helpers/stdio-process.js";

const NODE_HAS_COMPILE_CACHE = typeof Reflect.get(nodeModule, "enableCompileCache") === "function";
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

function cacheFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith(".v8"));
  } catch {
    return [];
  }
}

afterAll(() => {
  for (const d of roots) rmSync(d, { recursive: true, force: true });
});

describe("the bin's start-up cache", () => {
  it("is written by the first start and used as is by the next", async () => {
    const root = tempDir();
    const first = await start({ NODE_COMPILE_CACHE: root });
    expect(first.toolCount).toBeGreaterThan(10);
    if (!NODE_HAS_COMPILE_CACHE) {
      // Node 20: the bin's own cache, private to this user, checked before use.
      const dir = join(root, "k8s-mcp");
      const [file, ...others] = cacheFiles(dir);
      expect(others).toEqual([]);
      expect(file).toMatch(/^main\.cjs-[0-9a-f]{16}-v20\.\d+\.\d+-\w+-[0-9a-f]{8}\.v8$/);
      const path = join(dir, file as string);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(readFileSync(path).subarray(0, 17).toString()).toBe("k8s-mcp-v8-cache\n");
      expect(first.stderr).toMatch(/code cache missing: /);
      const before = statSync(path);
      const second = await start({ NODE_COMPILE_CACHE: root });
      expect(second.stderr).toMatch(/code cache accepted: /);
      expect(second.toolCount).toBe(first.toolCount);
      expect(statSync(path).ino).toBe(before.ino); // not rewritten: a refused cache is replaced at exit
    } else {
      // Node >= 22.1: Node's own compile cache fills the directory; the bin keeps none of its own.
      expect(readdirSync(root).length).toBeGreaterThan(0);
      expect(cacheFiles(join(root, "k8s-mcp"))).toEqual([]);
      const second = await start({ NODE_COMPILE_CACHE: root });
      expect(second.toolCount).toBe(first.toolCount);
    }
  });

  it("is not kept when NODE_DISABLE_COMPILE_CACHE=1: the ES bundle runs", async () => {
    const root = tempDir();
    const s = await start({ NODE_COMPILE_CACHE: root, NODE_DISABLE_COMPILE_CACHE: "1" });
    expect(s.toolCount).toBeGreaterThan(10);
    expect(cacheFiles(join(root, "k8s-mcp"))).toEqual([]);
    if (!NODE_HAS_COMPILE_CACHE) expect(s.stderr).toMatch(/code cache off \(.*\): loading the ES bundle/);
  });
});

describe.runIf(!NODE_HAS_COMPILE_CACHE)("the bin's own code cache (Node 20)", () => {
  async function primed(): Promise<{ root: string; path: string }> {
    const root = tempDir();
    await start({ NODE_COMPILE_CACHE: root });
    const [file] = cacheFiles(join(root, "k8s-mcp"));
    expect(file).toBeDefined();
    return { root, path: join(root, "k8s-mcp", file as string) };
  }

  it("does not run a damaged cache: the start succeeds and leaves a good cache", async () => {
    const { root, path } = await primed();
    const bytes = readFileSync(path);
    const at = bytes.length - 100;
    bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    writeFileSync(path, bytes, { mode: 0o600 });
    const damaged = await start({ NODE_COMPILE_CACHE: root });
    expect(damaged.stderr).toMatch(/code cache damaged: /);
    const again = await start({ NODE_COMPILE_CACHE: root });
    expect(again.stderr).toMatch(/code cache accepted: /);
  });

  it("does not run a truncated cache", async () => {
    const { root, path } = await primed();
    writeFileSync(path, readFileSync(path).subarray(0, 4096), { mode: 0o600 });
    const s = await start({ NODE_COMPILE_CACHE: root });
    expect(s.stderr).toMatch(/code cache damaged: /);
  });

  it("does not trust a cache file others can write, nor a directory others can write", async () => {
    const { root, path } = await primed();
    chmodSync(path, 0o666);
    const file = await start({ NODE_COMPILE_CACHE: root });
    expect(file.stderr).toMatch(/code cache untrusted: /);
    // the start replaced it with a private file
    expect(statSync(path).mode & 0o777).toBe(0o600);
    chmodSync(join(root, "k8s-mcp"), 0o777);
    const dir = await start({ NODE_COMPILE_CACHE: root });
    expect(dir.stderr).toMatch(/code cache off \(.* is not a private directory\): loading the ES bundle/);
    expect(dir.toolCount).toBeGreaterThan(10);
  });

  // One session that calls pods_list on a cluster whose API server refuses connections (127.0.0.1:1, nothing
  // listens there): the call needs client-node, which lives in lazy.cjs.
  async function podsListSession(root: string, kubeDir: string): Promise<{ stderr: string; text: string }> {
    const srv = spawnServer(["--kubeconfig-dir", kubeDir], {
      NODE_DEBUG: "k8s-mcp",
      NODE_COMPILE_CACHE: root,
    });
    await srv.request("initialize", {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "cache-test", version: "1" },
    });
    srv.notify("notifications/initialized");
    const call = await srv.request("tools/call", { name: "pods_list", arguments: { cluster: "refused" } });
    const result = call.result as { isError?: boolean; content?: { text?: string }[] } | undefined;
    expect(result?.isError).toBe(true);
    srv.child.stdin?.end();
    expect(await srv.exited).toEqual({ code: 0, signal: null });
    return { stderr: srv.stderr(), text: result?.content?.[0]?.text ?? "" };
  }

  it("keeps what only a first use needs in lazy.cjs: not loaded to list tools, cached by the first call, shared types", async () => {
    const root = tempDir();
    const kubeDir = tempDir();
    const yaml = readFileSync(classicKubeconfig(tempDir()), "utf8").replace(
      "current-context: a",
      "current-context: b",
    );
    writeFileSync(join(kubeDir, "refused.yaml"), yaml);
    const lazyFiles = (): string[] =>
      cacheFiles(join(root, "k8s-mcp")).filter((f) => f.startsWith("lazy.cjs-"));

    const listOnly = await start({ NODE_COMPILE_CACHE: root }, true, ["--kubeconfig-dir", kubeDir]);
    expect(listOnly.toolCount).toBeGreaterThan(10);
    expect(listOnly.stderr).toMatch(/code cache missing: .*main\.cjs-/);
    expect(listOnly.stderr).not.toMatch(/lazy\.cjs/);
    expect(lazyFiles()).toEqual([]);

    const first = await podsListSession(root, kubeDir);
    expect(first.stderr).toMatch(/code cache accepted: .*main\.cjs-/);
    expect(first.stderr).toMatch(/lazy\.cjs code cache missing: /);
    // The error is thrown in lazy.cjs and turned into words in main.cjs: the hint appears only when both see one
    // KubeError class (a second copy of kube/errors.ts would fail `instanceof` and lose it).
    expect(first.text).toContain(
      "pods_list failed on cluster 'refused': cannot connect to https://127.0.0.1:1",
    );
    expect(first.text).toContain("Try: the API server is not reachable");
    const [file, ...others] = lazyFiles();
    expect(others).toEqual([]);
    expect(file).toMatch(/^lazy\.cjs-[0-9a-f]{16}-v20\.\d+\.\d+-\w+-[0-9a-f]{8}\.v8$/);
    expect(statSync(join(root, "k8s-mcp", file as string)).mode & 0o777).toBe(0o600);

    const second = await podsListSession(root, kubeDir);
    expect(second.stderr).toMatch(/lazy\.cjs code cache accepted: /);
    expect(second.text).toBe(first.text);
  });

  it.runIf(process.getuid?.() === 0)("does not trust a cache file another user owns", async () => {
    const { root, path } = await primed();
    chownSync(path, 4242, 4242);
    const s = await start({ NODE_COMPILE_CACHE: root });
    expect(s.stderr).toMatch(/code cache untrusted: /);
    expect(statSync(path).uid).toBe(0);
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
  // machine, load and first hash); a directory start reads names only and loads it on first use.
  it.each([
    ["a kubeconfig directory", (_dir: string): string[] => ["--kubeconfig-dir", tempDir()], "crypto|"],
    ["a classic kubeconfig", (dir: string): string[] => ["--kubeconfig", classicKubeconfig(dir)], ""],
  ])(
    "with %s loads none of child_process, fs/promises, http, https, tls (the bundle takes them on first use)",
    async (_label, args, crypto) => {
      const dir = tempDir();
      const list = join(dir, "modules.txt");
      const hook = join(dir, "module-list.cjs");
      writeFileSync(
        hook,
        `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join("\\n")));\n`,
      );
      const s = await start({ NODE_OPTIONS: `--require ${hook}`, NODE_COMPILE_CACHE: dir }, true, args(dir));
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

describe("dist/main.cjs", () => {
  // lazy.cjs takes the modules it shares with main.cjs through a table; were a module handed over whole (its
  // namespace object), every export would stay in main.cjs. The MCP SDK's types.js is the large case: schemas for
  // requests this server never receives would be built at every start.
  it("keeps only the MCP SDK schemas something uses (a module shared with lazy.cjs is not kept whole)", () => {
    const main = readFileSync(join(CLI_PATH, "..", "main.cjs"), "utf8");
    // Used: the server answers initialize and tools/list.
    expect(main).toContain('"notifications/initialized"');
    expect(main).toContain('"tools/list"');
    // Unused by a server: only a whole-module export table would keep these.
    expect(main).not.toContain('"notifications/roots/list_changed"');
    expect(main).not.toContain("ServerResultSchema");
  });
});
