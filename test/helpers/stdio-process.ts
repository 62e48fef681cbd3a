// Spawns the built CLI and speaks raw JSON-RPC over its stdio, recording every stdout line.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Why: the path of the built binary end-to-end tests run. */
export const CLI_PATH: string = fileURLToPath(new URL("../../dist/cli.cjs", import.meta.url));

/** Why: a running server process with its raw output kept for protocol-hygiene assertions. */
export interface StdioProcess {
  child: ChildProcess;
  stdoutLines: string[];
  stderr: () => string;
  request: (
    method: string,
    params?: unknown,
    timeoutMs?: number,
  ) => Promise<{ result?: unknown; error?: unknown; at: number }>;
  notify: (method: string, params?: unknown) => void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Why: e2e tests need the real binary, not an in-process server. */
export function spawnServer(args: string[], env: Record<string, string> = {}): StdioProcess {
  return spawnStdio(process.execPath, [CLI_PATH, ...args], { ...process.env, KUBECONFIG: "", ...env });
}

/** Why: the server started another way (an image's root filesystem, an MCP Bundle's manifest), spoken to alike. */
export function spawnStdio(command: string, args: string[], env: NodeJS.ProcessEnv): StdioProcess {
  const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], env });
  const stdoutLines: string[] = [];
  let stderr = "";
  let buf = "";
  const waiters = new Map<number, (msg: { result?: unknown; error?: unknown; at: number }) => void>();
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    buf += chunk;
    let nl = buf.indexOf("\n");
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      stdoutLines.push(line);
      try {
        const msg = JSON.parse(line) as { id?: number; result?: unknown; error?: unknown };
        if (typeof msg.id === "number")
          waiters.get(msg.id)?.({ result: msg.result, error: msg.error, at: Date.now() });
      } catch {
        // kept in stdoutLines; the hygiene assertion reports it
      }
      nl = buf.indexOf("\n");
    }
  });
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (c: string) => {
    stderr += c;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  let nextId = 1;
  return {
    child,
    stdoutLines,
    stderr: () => stderr,
    exited,
    notify: (method, params) => child.stdin?.write(`${JSON.stringify({ jsonrpc: "2.0", method, params })}\n`),
    request: (method, params, timeoutMs = 10_000) => {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no answer to ${method} within ${timeoutMs} ms; stderr: ${stderr}`)),
          timeoutMs,
        );
        waiters.set(id, (m) => {
          clearTimeout(timer);
          resolve(m);
        });
        child.stdin?.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
      });
    },
  };
}

/** Why: the initialize request every e2e test starts with. */
export const INITIALIZE_PARAMS = {
  protocolVersion: "2025-06-18",
  capabilities: {},
  clientInfo: { name: "k8s-mcp-e2e", version: "1.0.0" },
};
