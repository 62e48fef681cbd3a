// Policy: which tools are listed (from annotations) and each call's boundary (scoped client) with its policy.
import { clusterIdentity } from "../auth/cluster-auth.js";
import type { Identity } from "../auth/identity.js";
import type { Config } from "../config/index.js";
import type { RequestPolicy } from "../kube/access.js";
import { createScopedClient, type ScopedClient } from "../kube/scoped.js";
import type { ServerDeps } from "./deps.js";
import type { AnyTool, OpenOptions } from "./tool.js";

/** Why: a tool that policy disables is neither listed nor callable; the scoped client enforces the rest. */
export function isToolEnabled(tool: AnyTool, config: Config): boolean {
  const sessionOnly = tool.kind === "fleet" && tool.sessionOnly === true;
  if (config.read_only && !tool.annotations.readOnlyHint && !sessionOnly) return false;
  if (config.disable_destructive && tool.annotations.destructiveHint) return false;
  return true;
}

/** Why: the policy one call's requests are judged by, on a resolved cluster. */
export function requestPolicy(
  config: Config,
  cluster: string,
  caller: string,
  clusterReadOnly: boolean,
): RequestPolicy {
  return {
    cluster,
    caller,
    readOnly: config.read_only,
    disableDestructive: config.disable_destructive,
    clusterReadOnly,
    denied: config.denied_resources,
  };
}

/**
 * Why: the only constructor of scoped clients; `cluster` must already be resolved (canonical). read_only_clusters
 * is decided by the address resolver: every address form of the cluster and the API server it talks to.
 */
export async function openScope(
  deps: ServerDeps,
  cluster: string,
  caller: string,
  opts: OpenOptions = {},
  user?: Identity,
): Promise<ScopedClient> {
  // [team] Who the apiserver sees (cluster_auth): decided per cluster, from the validated token only.
  const as = clusterIdentity(deps.config, deps.clusters.namesOf(cluster), user).auth;
  return createScopedClient({
    policy: requestPolicy(deps.config, cluster, caller, await deps.clusters.isReadOnly(cluster)),
    connect: (signal) => deps.clusters.client(cluster, signal, as),
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
    allowSecretValues: deps.config.allow_secret_values,
    fingerprint: opts.fingerprint,
    fieldManager: opts.fieldManager,
    beforeWrite: opts.beforeWrite,
  });
}
