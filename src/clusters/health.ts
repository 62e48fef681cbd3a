// One cluster's health check: reachability, credentials, version and latency, classified for agents.
import { KubeError } from "../kube/errors.js";
import type { ClusterManager } from "./manager.js";

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
  if (!(err instanceof KubeError)) return { status: "error", detail: (err as Error).message ?? String(err) };
  const map: Record<string, HealthState> = {
    unreachable: "unreachable",
    tls: "tls-error",
    unauthorized: "unauthorized",
    forbidden: "forbidden",
    timeout: "timeout",
    kubeconfig: "bad-kubeconfig",
    cancelled: "cancelled",
  };
  return { status: map[err.kind] ?? "error", detail: err.message };
}

/** Why: /version proves reachability, TLS and authentication; a tiny namespace list proves authorization. */
export async function checkCluster(
  manager: ClusterManager,
  name: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ClusterHealth> {
  let server: string | undefined;
  try {
    const client = await manager.client(name, signal);
    server = client.server;
    const started = performance.now();
    const version = await client.json<{ gitVersion?: string }>({ path: "/version", timeoutMs, signal });
    const latencyMs = Math.round(performance.now() - started);
    const probe = await client.request({
      path: "/api/v1/namespaces",
      query: { limit: 1 },
      timeoutMs,
      signal,
      allowErrorStatus: true,
    });
    const base = { cluster: name, version: version.gitVersion, latencyMs, server };
    if (probe.status === 403) {
      return {
        ...base,
        status: "forbidden",
        detail: "authenticated, but the identity cannot list namespaces",
      };
    }
    if (probe.status === 401) return { ...base, status: "unauthorized", detail: "credentials rejected" };
    return { ...base, status: "ok" };
  } catch (err) {
    return { cluster: name, server, ...classify(err) };
  }
}
