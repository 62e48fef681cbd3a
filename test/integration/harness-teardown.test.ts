// The control plane never outlives the process that started it, even when that process is SIGKILLed.
import { execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";

function processesUnder(root: string): string[] {
  try {
    return execFileSync("pgrep", ["-f", root], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe("control plane teardown", () => {
  it("leaves no etcd or kube-apiserver behind after kill -9 of the test runner", async () => {
    const script = fileURLToPath(new URL("../harness/run-standalone.ts", import.meta.url));
    // One node process (tsx as a loader, not a wrapper), so killing that pid kills exactly the "runner".
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const root = await new Promise<string>((resolve, reject) => {
      let buf = "";
      child.stdout.on("data", (c: Buffer) => {
        buf += c.toString();
        const line = buf.split("\n").find((l) => l.startsWith("{"));
        if (line) resolve((JSON.parse(line) as { root: string }).root);
      });
      child.once("exit", (code) => reject(new Error(`standalone control plane exited early (${code})`)));
    });
    const running = processesUnder(root);
    expect(running.length).toBeGreaterThanOrEqual(2); // etcd + kube-apiserver (and their supervisors)
    // Only the runner dies (no process-group kill): the supervisors must notice and stop their processes.
    child.kill("SIGKILL");
    await vi.waitFor(() => expect(processesUnder(root)).toEqual([]), { timeout: 20_000, interval: 100 });
  }, 60_000);
});
