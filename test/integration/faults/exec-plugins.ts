// Exec credential plugins for the fault matrix: small shell scripts (real processes) and kubeconfigs using them.
import { chmod, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import type { TestCluster } from "../../harness/controlplane.js";

/** Why: a temp directory holding the plugins, their run logs and kubeconfigs. */
export async function pluginDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "k8s-mcp-exec-"));
}

/** Why: writes an executable /bin/sh script. */
export async function writePlugin(dir: string, name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

/** Why: a plugin that logs each run, dumps its environment and prints a token credential. */
export const TOKEN_PLUGIN = `echo run >> "$RUN_LOG"
env > "$ENV_DUMP"
n=$(wc -l < "$RUN_LOG")
tok="$GOOD_TOKEN"
if [ -n "$BAD_FIRST" ] && [ "$n" -eq 1 ]; then tok="not-a-valid-token"; fi
exp=""
if [ -n "$EXPIRES" ]; then exp=",\\"expirationTimestamp\\":\\"$EXPIRES\\""; fi
printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"%s"%s}}' "$API_VERSION" "$tok" "$exp"`;

/** Why: a plugin that never answers and starts a grandchild, recording both pids. */
export const HUNG_PLUGIN = `echo $$ > "$PID_FILE"
sleep 600 &
echo $! >> "$PID_FILE"
wait`;

/** Why: a plugin that fails with a secret, control characters and a lot of text on stderr. */
export const NOISY_PLUGIN = `printf 'login failed for %s\\033[31m red\\n' "$PLUGIN_SECRET" >&2
i=0; while [ $i -lt 200 ]; do printf 'noise line %s of a very chatty plugin\\n' $i >&2; i=$((i+1)); done
exit 3`;

/** Why: a kubeconfig for a real cluster whose user is an exec plugin (kubectl's format). */
export async function execKubeconfig(
  path: string,
  c: Pick<TestCluster, "name" | "server" | "ca">,
  exec: Record<string, unknown>,
): Promise<void> {
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: c.name,
        cluster: { server: c.server, "certificate-authority-data": Buffer.from(c.ca).toString("base64") },
      },
    ],
    users: [{ name: "plugin-user", user: { exec } }],
    contexts: [{ name: c.name, context: { cluster: c.name, user: "plugin-user" } }],
    "current-context": c.name,
  };
  await writeFile(path, stringify(doc), { mode: 0o600 });
}

/** Why: how many times a plugin ran, from its run log. */
export async function runs(logPath: string): Promise<number> {
  const text = await readFile(logPath, "utf8").catch(() => "");
  return text.split("\n").filter((l) => l === "run").length;
}

/** Why: the kubeconfig `env` list from a plain record. */
export function envList(vars: Record<string, string>): { name: string; value: string }[] {
  return Object.entries(vars).map(([name, value]) => ({ name, value }));
}
