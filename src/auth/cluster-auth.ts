// Who the apiserver sees for one call on one cluster: cluster_auth, per-cluster exceptions, the caller's identity.
import { matchesAnyGlob } from "../clusters/discovery/filter.js";
import type { ClusterAuthMode, Config } from "../config/index.js";
import { ToolError } from "../errors.js";
import type { ClusterAuth } from "../kube/identity.js";
import type { Identity } from "./identity.js";

const ORDER: readonly ClusterAuthMode[] = ["passthrough", "impersonate", "server"];

/** Why: the mode of a cluster, given every name it is known by (canonical name and aliases). */
export function clusterAuthMode(
  config: Pick<Config, "cluster_auth" | "cluster_auth_clusters">,
  names: readonly string[],
): ClusterAuthMode {
  const lists = config.cluster_auth_clusters;
  if (lists) for (const mode of ORDER) if (names.some((n) => matchesAnyGlob(n, lists[mode]))) return mode;
  return config.cluster_auth;
}

/** Why: the identity used toward a cluster, as audit records and logs name it. */
export interface ClusterIdentity {
  mode: ClusterAuthMode;
  /** Undefined for "server": the kubeconfig's identity. */
  auth?: ClusterAuth;
}

// The apiserver's reserved names: an IdP claim must never become system:masters or system:admin.
const reserved = (name: string): boolean => name.startsWith("system:");

/**
 * Why: the only place a caller's identity becomes request credentials. Without a caller (stdio, no [oauth]) only
 * "server" is possible; impersonation takes user and groups from the validated token alone.
 */
export function clusterIdentity(
  config: Pick<Config, "cluster_auth" | "cluster_auth_clusters">,
  names: readonly string[],
  caller: Identity | undefined,
): ClusterIdentity {
  const mode = clusterAuthMode(config, names);
  if (mode === "server") return { mode };
  const cluster = names[0] ?? "";
  if (!caller)
    throw new ToolError(
      `cluster '${cluster}' is reached as the calling user (cluster_auth = "${mode}"), and this call has no authenticated user`,
      "call through the HTTP endpoint with an OAuth token",
    );
  if (mode === "passthrough") {
    const token = caller.bearer();
    return { mode, auth: { kind: "bearer", user: caller.user, token: () => token } };
  }
  if (reserved(caller.user))
    throw new ToolError(
      `user '${caller.user}' may not be impersonated (system: names are reserved)`,
      "set oauth.username_prefix",
    );
  return {
    mode,
    auth: { kind: "impersonate", user: caller.user, groups: caller.groups.filter((g) => !reserved(g)) },
  };
}
