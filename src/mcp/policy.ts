// Policy: which tools are listed (from annotations) and each call's boundary (scoped client) with its policy.
import type { Config } from "../config/index.js";
import type { RequestPolicy } from "../kube/access.js";
import { createScopedClient, type ScopedClient } from "../kube/scoped.js";
import { clusterMatches } from "./confirm.js";
import type { ServerDeps } from "./deps.js";
import type { AnyTool, OpenOptions } from "./tool.js";

/** Why: a tool that policy disables is neither listed nor callable; the scoped client enforces the rest. */
export function isToolEnabled(tool: AnyTool, config: Config): boolean {
  const sessionOnly = tool.kind === "fleet" && tool.sessionOnly === true;
  if (config.read_only && !tool.annotations.readOnlyHint && !sessionOnly) return false;
  if (config.disable_destructive && tool.annotations.destructiveHint) return false;
  return true;
}

/** Why: `read_only_clusters` matching in one small place (names, `<file>/<context>` stems and aliases). */
export function isReadOnlyCluster(cluster: string, config: Config): boolean {
  // Entries may name aliases ("production"): a cluster is read-only when it or any alias of it matches.
  return clusterMatches(cluster, config.read_only_clusters, config);
}

/** Why: the policy one call's requests are judged by, on a resolved cluster. */
export function requestPolicy(config: Config, cluster: string, caller: string): RequestPolicy {
  return {
    cluster,
    caller,
    readOnly: config.read_only,
    disableDestructive: config.disable_destructive,
    clusterReadOnly: isReadOnlyCluster(cluster, config),
    denied: config.denied_resources,
  };
}

/** Why: the only constructor of scoped clients; `cluster` must already be resolved (canonical). */
export function openScope(
  deps: ServerDeps,
  cluster: string,
  caller: string,
  opts: OpenOptions = {},
): ScopedClient {
  return createScopedClient({
    policy: requestPolicy(deps.config, cluster, caller),
    connect: (signal) => deps.clusters.client(cluster, signal),
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
    allowSecretValues: deps.config.allow_secret_values,
    fingerprint: opts.fingerprint,
  });
}
