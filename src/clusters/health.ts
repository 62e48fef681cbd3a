// One cluster's health check: reachability, credentials, version and latency, classified for agents.
import { ToolError } from "../errors.js";
import { knownResource } from "../kube/api-resources.js";
import { KubeError } from "../kube/errors.js";
import type { ScopedClient } from "../kube/scoped.js";
import { redactText } from "../redact/text.js";

/** Why: the closed set of outcomes clusters_status reports. */
export type HealthState =
  | "ok"
  | "unreachable"
  | "tls-error"
  | "unauthorized"
  | "timeout"
  | "bad-kubeconfig"
  | "cancelled"
  | "error";

/** Why: one row of clusters_status, also returned as structuredContent. */
export interface ClusterHealth {
  cluster: string;
  status: HealthState;
  version?: string;
  latencyMs?: number;
  server?: string;
  /** Who the cluster says the identity is (SelfSubjectReview), when it said. */
  user?: string;
  detail?: string;
  /** What an ok cluster's identity may not do (least privilege is healthy, but worth knowing). */
  note?: string;
}

// Under cluster_auth = "passthrough" a 401 is about the caller's token, not the kubeconfig's credentials.
function ownTokenRejected(err: KubeError): string | undefined {
  if (err.kind !== "unauthorized" || err.actingAs?.kind !== "bearer") return undefined;
  return `the caller's own token (user '${err.actingAs.user}') was rejected: this cluster does not trust the issuer, or its OIDC settings do not match the token`;
}

function classify(err: unknown): { status: HealthState; detail: string } {
  if (!(err instanceof KubeError))
    return { status: "error", detail: redactText((err as Error).message ?? String(err)) };
  const map: Record<string, HealthState> = {
    unreachable: "unreachable",
    tls: "tls-error",
    unauthorized: "unauthorized",
    timeout: "timeout",
    kubeconfig: "bad-kubeconfig",
    cancelled: "cancelled",
  };
  const own = ownTokenRejected(err);
  return {
    status: map[err.kind] ?? "error",
    detail: redactText(own ? `${err.message}; ${own}` : err.message),
  };
}

const NAMESPACES = knownResource("Namespace", "namespaces", false);

// Who the cluster says we are. Older servers lack SelfSubjectReview (404) and some deny it (403): the request was
// authenticated all the same, so only a 401 (or an anonymous answer) means the credentials failed.
async function identity(client: ScopedClient): Promise<{ user?: string; rejected?: string }> {
  try {
    const who = await client.whoAmI();
    if (who.username === "system:anonymous")
      return { rejected: "the cluster treats this kubeconfig's credentials as anonymous" };
    return { user: who.username };
  } catch (err) {
    if (err instanceof KubeError && err.kind === "unauthorized")
      return { rejected: ownTokenRejected(err) ?? "credentials rejected" };
    // Anonymous requests pass /version (public info) but may not create reviews: no credential was accepted.
    if (err instanceof KubeError && err.kind === "forbidden" && err.message.includes('"system:anonymous"'))
      return { rejected: "the cluster treats this kubeconfig's credentials as anonymous" };
    if (err instanceof KubeError && (err.kind === "forbidden" || err.kind === "not-found")) return {};
    throw err;
  }
}

// Least privilege is not ill health: an identity that cannot list namespaces is noted, not failed.
async function listNote(client: ScopedClient): Promise<string | undefined> {
  try {
    await client.list(NAMESPACES, { limit: 1 });
    return undefined;
  } catch (err) {
    if (err instanceof KubeError && err.kind === "forbidden")
      return "the identity cannot list namespaces (namespace-scoped access; pass `namespace` to tools)";
    if (err instanceof ToolError) return undefined; // a policy refusal (Namespace denied) skips the probe
    throw err;
  }
}

/**
 * Why: health is what any authenticated identity may check: /version (reachability, TLS, latency) and a
 * SelfSubjectReview (authentication, and who the cluster says we are). Permissions only add a note.
 */
export async function checkCluster(client: ScopedClient): Promise<ClusterHealth> {
  const name = client.name;
  let server: string | undefined;
  try {
    server = (await client.info()).server;
    const started = performance.now();
    const version = await client.serverVersion();
    const latencyMs = Math.round(performance.now() - started);
    const base = { cluster: name, version: version.gitVersion, latencyMs, server };
    // Both after /version (which settles TLS and the connection), side by side: one round trip, not two.
    const [who, listed] = await Promise.allSettled([identity(client), listNote(client)]);
    if (who.status === "rejected") throw who.reason;
    if (who.value.rejected) return { ...base, status: "unauthorized", detail: who.value.rejected };
    if (listed.status === "rejected") throw listed.reason;
    const note = listed.value;
    const user = who.value.user;
    return { ...base, status: "ok", ...(user ? { user } : {}), ...(note ? { note } : {}) };
  } catch (err) {
    return { cluster: name, server, ...classify(err) };
  }
}
