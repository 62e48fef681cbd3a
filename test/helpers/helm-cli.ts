// The real helm CLI run directly by tests (not through the server): the reference the native readers must match.
import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { TestCluster } from "../harness/controlplane.js";
import { ensureHelm } from "../harness/helm.js";

const run = promisify(execFile);

/** Why: the test charts (web-app 1.1.9 and 1.2.0; a chart whose hook never completes), by name. */
export function chartDir(version: "1.1.9" | "1.2.0" | "hook-never-done"): string {
  const dir = version === "hook-never-done" ? version : `web-app-${version}`;
  return fileURLToPath(new URL(`../fixtures/charts/${dir}`, import.meta.url));
}

/** Why: runs helm against one test cluster with its own isolated Helm home; returns stdout. */
export async function helmCli(
  c: TestCluster,
  args: string[],
  env: Record<string, string> = {},
): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), "k8s-mcp-helm-ref-"));
  const { stdout } = await run(await ensureHelm(), [...args, "--kubeconfig", c.kubeconfig], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: home,
      HELM_CONFIG_HOME: join(home, "config"),
      HELM_CACHE_HOME: join(home, "cache"),
      HELM_DATA_HOME: join(home, "data"),
      ...env,
    },
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** Why: helm prints Go times ("2026-01-02 15:04:05.123456789 +0000 UTC"); the readers print RFC 3339. */
export function toSeconds(time: string): number {
  const go = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.\d+)? ([+-]\d\d)(\d\d)/.exec(time);
  const iso = go ? `${go[1]}T${go[2]}${go[3]}:${go[4]}` : time.replace(/\.\d+/, "");
  return Math.floor(Date.parse(iso) / 1000);
}
