// In-cluster mode: inside a pod, the pod's own cluster is one more named cluster, reached with the pod's
// service-account token (re-read when the kubelet rotates it) and the cluster CA mounted beside it.
import { statSync } from "node:fs";
import { join } from "node:path";
import { readKubeconfigFile } from "../util/read-limited.js";
import type { ClusterSource } from "./discovery/types.js";

/** Why: where Kubernetes mounts a pod's service-account token, CA and namespace; tests pass another folder. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** Why: the in-cluster source as the registry holds it; `file` is the token, so a rotation rebuilds the client. */
export type InClusterSource = Extract<ClusterSource, { kind: "in-cluster" }>;

/** Why: what decides whether and how the pod's own cluster appears. */
export interface InClusterOptions {
  /** The `in_cluster` setting: false never adds the cluster, even inside a pod. */
  enabled: boolean;
  /** The `in_cluster_name` setting. */
  name: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Folder holding `token`, `ca.crt` and `namespace`; default SERVICE_ACCOUNT_DIR. */
  serviceAccountDir?: string;
}

/**
 * Why: the pod's cluster exists only where Kubernetes says we are in a pod (KUBERNETES_SERVICE_HOST/PORT, as
 * client-go decides) and a token is mounted (automountServiceAccountToken may be off). One stat, no network.
 */
export function detectInCluster(opts: InClusterOptions): InClusterSource | undefined {
  const host = opts.env.KUBERNETES_SERVICE_HOST?.trim();
  const port = opts.env.KUBERNETES_SERVICE_PORT?.trim();
  if (!opts.enabled || !host || !port) return undefined;
  const dir = opts.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const file = join(dir, "token");
  if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return undefined;
  const server = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    kind: "in-cluster",
    name: opts.name,
    file,
    caFile: join(dir, "ca.crt"),
    namespaceFile: join(dir, "namespace"),
    server,
  };
}

/** Why: the pod's namespace is the cluster's default namespace, as kubectl in a pod would use it. */
export async function inClusterNamespace(src: InClusterSource): Promise<string | undefined> {
  const text = await readKubeconfigFile(src.namespaceFile, 4096).catch(() => "");
  return text.trim() || undefined;
}

/**
 * Why: clients are built from kubeconfig text; this writes the one client-go's in-cluster config means, with the
 * token as it is on disk now (the client cache rebuilds when the token file changes) and the CA by path.
 */
export async function inClusterKubeconfig(src: InClusterSource, maxBytes?: number): Promise<string> {
  const token = (await readKubeconfigFile(src.file, maxBytes)).trim();
  const namespace = await inClusterNamespace(src);
  const name = src.name;
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server: src.server, "certificate-authority": src.caFile } }],
    users: [{ name, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: name, ...(namespace ? { namespace } : {}) } }],
    "current-context": name,
  });
}
