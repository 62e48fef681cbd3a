// A minimal stdio MCP client for benchmarks: spawns any server binary and times raw JSON-RPC round trips.
import { type ChildProcess, spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";

/** Why: one spawned MCP server (any implementation), driven by raw newline-delimited JSON-RPC. */
export interface StdioServer {
  child: ChildProcess;
  /** performance.now() when the process was spawned. */
  spawnedAt: number;
  request: (method: string, params?: unknown) => Promise<Record<string, unknown>>;
  /** initialize + notifications/initialized, as every MCP host does first. */
  initialize: () => Promise<void>;
  callTool: (name: string, args: Record<string, unknown>) => Promise<ToolResult>;
  /** Peak resident memory (VmHWM) of the process and of its whole process tree, in KiB. */
  peakRss: () => Promise<{ selfKb: number; treeKb: number }>;
  /** CPU time (user + system) of the whole process tree so far, in ms: steadier than wall time on a busy machine. */
  cpuMs: () => Promise<number>;
  close: () => Promise<void>;
}

/** Why: the part of a tools/call result the benchmarks read. */
export interface ToolResult {
  text: string;
  isError: boolean;
}

async function hwmKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

// A child may have been forked by any thread of the parent, so every task's children list is read.
async function childrenOf(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  const lists = await Promise.all(
    tasks.map((t) => readFile(`/proc/${pid}/task/${t}/children`, "utf8").catch(() => "")),
  );
  return lists.flatMap((text) => (text.trim() ? text.trim().split(/\s+/).map(Number) : []));
}

// utime + stime (fields 14 and 15 after the parenthesised command name), in clock ticks of 10 ms.
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 10;
}

async function treeCpuMs(pid: number): Promise<number> {
  let total = await cpuMs(pid);
  for (const c of await childrenOf(pid)) total += await treeCpuMs(c);
  return total;
}

/** Why: a launcher (npm's node shim) is one process of a tree; the tree is what the host pays for. */
async function treeHwm(pid: number): Promise<{ selfKb: number; treeKb: number; deepestKb: number }> {
  const selfKb = await hwmKb(pid);
  let treeKb = selfKb;
  let deepestKb = selfKb;
  for (const c of await childrenOf(pid)) {
    const sub = await treeHwm(c);
    treeKb += sub.treeKb;
    deepestKb = sub.deepestKb;
  }
  return { selfKb, treeKb, deepestKb };
}

/** Why: every side-by-side figure starts from a fresh process, as an MCP host starts one per conversation. */
export function spawnStdio(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 60_000,
): StdioServer {
  const spawnedAt = performance.now();
  const child = spawn(command, args, { stdio: ["pipe", "pipe", "ignore"], env });
  const pending = new Map<number, (msg: Record<string, unknown>) => void>();
  let nextId = 1;
  let buf = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    buf += chunk;
    for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (!line.startsWith("{")) continue; // the Go launcher may print plain text on signals
      const msg = JSON.parse(line) as Record<string, unknown>;
      const done = typeof msg.id === "number" ? pending.get(msg.id) : undefined;
      if (done) {
        pending.delete(msg.id as number);
        done(msg);
      }
    }
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const send = (msg: Record<string, unknown>): void => {
    child.stdin?.write(`${JSON.stringify({ jsonrpc: "2.0", ...msg })}\n`);
  };
  const request = (method: string, params?: unknown): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${command}: no answer to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, (msg) => {
        clearTimeout(timer);
        if (msg.error) reject(new Error(`${command}: ${method} failed: ${JSON.stringify(msg.error)}`));
        else resolve((msg.result ?? {}) as Record<string, unknown>);
      });
      send({ id, method, ...(params === undefined ? {} : { params }) });
    });
  return {
    child,
    spawnedAt,
    request,
    initialize: async () => {
      await request("initialize", {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "k8s-mcp-bench", version: "1" },
      });
      send({ method: "notifications/initialized" });
    },
    callTool: async (name, toolArgs) => {
      const r = await request("tools/call", { name, arguments: toolArgs });
      const content = (r.content ?? []) as { type: string; text?: string }[];
      return {
        text: content.map((c) => (c.type === "text" ? (c.text ?? "") : "")).join("\n"),
        isError: r.isError === true,
      };
    },
    peakRss: async () => {
      const t = await treeHwm(child.pid ?? 0);
      return { selfKb: t.deepestKb, treeKb: t.treeKb };
    },
    cpuMs: () => treeCpuMs(child.pid ?? 0),
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // As MCP hosts do: close stdin and let the server exit; only a server that lingers is killed.
      child.stdin?.end();
      const gone = await Promise.race([exited.then(() => true), delay(2000).then(() => false)]);
      if (gone) return;
      // SIGKILL of a launcher would orphan its server: kill the descendants first.
      const descendants = async (pid: number): Promise<number[]> => {
        const direct = await childrenOf(pid);
        return [...direct, ...(await Promise.all(direct.map(descendants))).flat()];
      };
      for (const pid of await descendants(child.pid ?? 0)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      child.kill("SIGKILL");
      await exited;
    },
  };
}
