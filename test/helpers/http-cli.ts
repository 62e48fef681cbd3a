// Starts a k8s-mcp binary in HTTP mode (--port 0) as a child process and waits for the URL it logs.
import { type ChildProcess, spawn } from "node:child_process";

/** Why: a running HTTP server process with its output kept for assertions. */
export interface RunningHttpCli {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  stdout: () => string;
  exit: Promise<number | null>;
}

/** Why: e2e tests run the built or the installed binary exactly as a user would, then read its URL from stderr. */
export async function startHttpCli(
  command: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<RunningHttpCli> {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  let out = "";
  child.stdout?.on("data", (c: Buffer) => {
    out += c.toString("utf8");
  });
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no URL logged within ${timeoutMs} ms; stderr:\n${err}`)),
      timeoutMs,
    );
    child.stderr?.on("data", (c: Buffer) => {
      err += c.toString("utf8");
      const m = /serving MCP on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(err);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before serving; stderr:\n${err}`));
    });
  });
  return { child, url, stderr: () => err, stdout: () => out, exit };
}
