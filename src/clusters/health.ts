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
  | "forbidden"
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
  detail?: string;
}

function classify(err: unknown): { status: HealthState; detail: string } {
  if (!(err instanceof KubeError))
    return { status: "error", detail: redactText((err as Error).message ?? String(err)) };
  const map: Record<string, HealthState> = {
    unreachable: "unreachable",
    tls: "tls-error",
    unauthorized: "unauthorized",
    forbidden: "forbidden",
    timeout: "timeout",
    kubeconfig: "bad-kubeconfig",
    cancelled: "cancelled",
  };
  return { status: map[err.kind] ?? "error", detail: redactText(err.message) };
}

const NAMESPACES = knownResource("Namespace", "namespaces", false);

/** Why: /version proves reachability, TLS and authentication; a tiny namespace list proves authorization. */
export async function checkCluster(client: ScopedClient): Promise<ClusterHealth> {
  const name = client.name;
  let server: string | undefined;
  try {
    server = (await client.info()).server;
    const started = performance.now();
    const version = await client.serverVersion();
    const latencyMs = Math.round(performance.now() - started);
    const base = { cluster: name, version: version.gitVersion, latencyMs, server };
    try {
      await client.list(NAMESPACES, { limit: 1 });
    } catch (err) {
      if (err instanceof KubeError && err.kind === "forbidden")
        return {
          ...base,
          status: "forbidden",
          detail: "authenticated, but the identity cannot list namespaces",
        };
      if (err instanceof KubeError && err.kind === "unauthorized")
        return { ...base, status: "unauthorized", detail: "credentials rejected" };
      if (!(err instanceof ToolError)) throw err; // a policy refusal (Namespace denied) skips the probe
    }
    return { ...base, status: "ok" };
  } catch (err) {
    return { cluster: name, server, ...classify(err) };
  }
}
