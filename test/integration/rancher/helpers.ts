// Shared setup for the Rancher/NSK integration tests: real-cluster credentials, servers, secret searches.
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { stringify } from "yaml";
import type { TestCluster } from "../../harness/controlplane.js";
import { apiRequest } from "../../harness/https.js";
import { type ConfigInput, startTestServer, type TestServer } from "../../helpers/mcp.js";
import type { StubCluster } from "../../stubs/rancher-api.js";

/** Why: a Rancher API token in Rancher's format, unique per test file, so searches for it are meaningful. */
export function rancherToken(): string {
  return `token-${randomBytes(3).toString("hex")}:${randomBytes(24).toString("hex")}`;
}

/** Why: every test writes into its own empty directory. */
export function tempDir(prefix = "k8s-mcp-rancher-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Why: the kubeconfig Rancher would generate for a cluster, pointing at the REAL test apiserver. */
export function kubeconfigFor(c: TestCluster, token: string, user = "rancher-user"): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: c.name,
        cluster: { server: c.server, "certificate-authority-data": Buffer.from(c.ca).toString("base64") },
      },
    ],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: c.name, context: { cluster: c.name, user } }],
    "current-context": c.name,
  });
}

/** Why: the stub's cluster list for the real clusters, each handing out the given credential. */
export function stubClusters(clusters: TestCluster[], tokenOf: (c: TestCluster) => string): StubCluster[] {
  return clusters.map((c, i) => ({
    id: `c-${i}${c.name.replace(/[^a-z0-9]/g, "")}`,
    name: c.name,
    kubeconfig: kubeconfigFor(c, tokenOf(c)),
  }));
}

/** Why: waits for a condition instead of sleeping a fixed time (the one named wait, on vi.waitFor). */
export { waitUntil as waitFor } from "../../helpers/cluster-api.js";

/** Why: a rotatable cluster-admin credential: a ServiceAccount, a binding, and a TokenRequest token. */
export async function mintServiceAccountToken(c: TestCluster, sa: string): Promise<string> {
  const admin = { server: c.server, ca: c.ca, token: c.adminToken };
  const created = await apiRequest(admin, "POST", "/api/v1/namespaces/default/serviceaccounts", {
    metadata: { name: sa },
  });
  if (created.status !== 201) throw new Error(`create sa ${sa}: ${created.status} ${created.body}`);
  const binding = await apiRequest(admin, "POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", {
    metadata: { name: sa },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
    subjects: [{ kind: "ServiceAccount", name: sa, namespace: "default" }],
  });
  if (binding.status !== 201) throw new Error(`bind ${sa}: ${binding.status} ${binding.body}`);
  const token = await apiRequest(admin, "POST", `/api/v1/namespaces/default/serviceaccounts/${sa}/token`, {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    spec: { expirationSeconds: 3600 },
  });
  if (token.status !== 201) throw new Error(`token for ${sa}: ${token.status} ${token.body}`);
  return token.json<{ status: { token: string } }>().status.token;
}

/** Why: revokes a minted credential the way an admin would: the ServiceAccount (and its binding) go away. */
export async function deleteServiceAccount(c: TestCluster, sa: string): Promise<void> {
  const admin = { server: c.server, ca: c.ca, token: c.adminToken };
  const res = await apiRequest(admin, "DELETE", `/api/v1/namespaces/default/serviceaccounts/${sa}`);
  if (res.status !== 200) throw new Error(`delete sa ${sa}: ${res.status} ${res.body}`);
  await apiRequest(admin, "DELETE", `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${sa}`);
}

/** Why: the HTTP status a token gets from the real apiserver (401 once revoked). */
export async function tokenStatus(c: TestCluster, token: string): Promise<number> {
  return (await apiRequest({ server: c.server, ca: c.ca, token }, "GET", "/api/v1/namespaces")).status;
}

/** Why: a test server plus every tool result it produced, for the "token appears nowhere" searches. */
export interface RancherTestServer extends TestServer {
  outputs: string[];
  dir: string;
}

/** Why: starts the real server with an [nsk] section; the directory is both config_dir and kubeconfig_dir. */
export async function startRancherServer(
  dir: string,
  nsk: Record<string, unknown>,
  top: ConfigInput = {},
  env: Record<string, string | undefined> = {},
): Promise<RancherTestServer> {
  const ts = await startTestServer(
    { kubeconfig_dir: dir, auto_discovery: false, ...top, nsk: { config_dir: dir, ...nsk } },
    env,
  );
  const outputs: string[] = [];
  const call = async (name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> => {
    const r = await ts.call(name, args);
    outputs.push(JSON.stringify(r));
    return r;
  };
  const text = async (name: string, args: Record<string, unknown> = {}): Promise<string> =>
    (await call(name, args)).content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
  return {
    ...ts,
    outputs,
    dir,
    call,
    text,
    close: async () => {
      ts.deps.rancher?.close();
      await ts.close();
    },
  };
}

/** Why: every file in the directory, dotfiles (state, temp files) included. */
export async function directoryTexts(dir: string): Promise<string[]> {
  // A background refresh may rename a temp file into place between readdir and the read (ENOENT): its text is
  // then in the renamed file, so the whole directory is read again. Any other unreadable file fails the search:
  // skipping it would hide a leak.
  for (let attempt = 1; ; attempt++) {
    const names = await readdir(dir);
    try {
      return await Promise.all(names.map((n) => readFile(join(dir, n), "utf8")));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT" || attempt >= 50) throw err;
    }
  }
}

/** Why: the guarantee under test: the Rancher token appears in no output, log, audit record or file. */
export async function haystack(ts: RancherTestServer): Promise<string> {
  return [
    ...ts.outputs,
    ...ts.logs,
    ...ts.records.map((r) => JSON.stringify(r)),
    ...(await directoryTexts(ts.dir)),
  ].join("\n");
}

/** Why: typed access to a tool's structured result. */
export function structured<T>(r: CallToolResult): T {
  return r.structuredContent as T;
}

/** Why: text of a tool result. */
export function textOf(r: CallToolResult): string {
  return r.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}

/** Why: closes every server even when one search fails, then hands back everything they produced. */
export async function closeAll(servers: RancherTestServer[]): Promise<string> {
  const texts: string[] = [];
  for (const ts of servers.splice(0)) {
    try {
      texts.push(await haystack(ts));
    } finally {
      await ts.close();
    }
  }
  return texts.join("\n");
}
