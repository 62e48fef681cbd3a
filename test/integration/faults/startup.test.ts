// Fault matrix, startup: a log or audit destination that cannot be written stops the BUILT binary with
// exit code 2 and one message, before it serves anything (it used to start and drop every line, or exit 1).
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { INITIALIZE_PARAMS, spawnServer } from "../../helpers/stdio-process.js";

const cp = inject("controlplane");

describe("startup refuses unwritable log and audit destinations", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "k8s-mcp-startup-"));
    await writeFile(join(dir, "plain-file"), "not a directory\n");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const runToExit = async (args: string[]) => {
    const srv = spawnServer(["--kubeconfig-dir", cp.kubeconfigDir, ...args]);
    const { code } = await srv.exited;
    return { code, stderr: srv.stderr(), stdout: srv.stdoutLines };
  };

  it.each([
    [
      "a log_file in a missing directory",
      () => ["--log-file", join(dir, "missing", "k8s-mcp.log")],
      /log_file .*missing.* cannot be written \(ENOENT\)/,
    ],
    ["a log_file that is a directory", () => ["--log-file", dir], /log_file .* is a directory/],
  ])("%s: exit 2, one message, nothing on stdout", async (_label, args, message) => {
    const r = await runToExit(args());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(2); // "k8s-mcp: configuration error:" + the reason
    expect(r.stdout).toEqual([]);
  });

  it.each([
    ["an audit_log that is a directory", (d: string) => d, /audit_log .* is a directory/],
    [
      "an audit_log under a regular file",
      (d: string) => join(d, "plain-file", "audit.jsonl"),
      /audit_log .* cannot be written \(ENOTDIR\)/,
    ],
  ])("%s: exit 2, one message", async (_label, target, message) => {
    const toml = join(dir, `cfg-${Math.random().toString(36).slice(2)}.toml`);
    await writeFile(toml, `audit_log = ${JSON.stringify(target(dir))}\n`);
    const r = await runToExit(["--config", toml]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toEqual([]);
  });

  it("a writable log_file and audit_log start normally and receive lines", async () => {
    const log = join(dir, "ok.log");
    const audit = join(dir, "ok-audit.jsonl");
    const toml = join(dir, "ok.toml");
    await writeFile(toml, `audit_log = ${JSON.stringify(audit)}\nlog_file = ${JSON.stringify(log)}\n`);
    const srv = spawnServer(["--kubeconfig-dir", cp.kubeconfigDir, "--config", toml]);
    const init = await srv.request("initialize", INITIALIZE_PARAMS, 20_000);
    expect(init.error).toBeUndefined();
    srv.notify("notifications/initialized");
    const r = await srv.request("tools/call", { name: "clusters_list", arguments: {} });
    expect((r.result as { isError?: boolean }).isError).toBeFalsy();
    srv.child.stdin?.end();
    expect((await srv.exited).code).toBe(0);
    expect(await readFile(log, "utf8")).toMatch(/serving MCP on stdio/);
    expect(await readFile(audit, "utf8")).toMatch(/"tool":"clusters_list"/);
  });
});
