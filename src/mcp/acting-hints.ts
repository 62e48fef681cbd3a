// What to try after a 401/403 on a request sent as the calling user (cluster_auth impersonate / passthrough): the
// generic hints speak of the kubeconfig's identity, which is not who the apiserver judged.
import type { ActingAs, KubeError } from "../kube/errors.js";

const SHOWN_GROUPS = 5;

function groupsText(groups: readonly string[]): string {
  if (groups.length === 0) return "no groups";
  const shown = groups
    .slice(0, SHOWN_GROUPS)
    .map((g) => `'${g}'`)
    .join(", ");
  const more = groups.length > SHOWN_GROUPS ? ` and ${groups.length - SHOWN_GROUPS} more` : "";
  return `groups ${shown}${more}`;
}

function forbidden(as: ActingAs, message: string): string {
  if (as.kind === "impersonate" && /cannot impersonate/.test(message))
    return (
      `this server's own kubeconfig identity may not impersonate user '${as.user}' (${groupsText(as.groups)}); ` +
      "ask a cluster admin to grant that identity the verb impersonate on users and groups (docs/team.md, RBAC for " +
      "impersonation), or reach this cluster another way (cluster_auth_clusters)"
    );
  const seen =
    as.kind === "impersonate"
      ? `the API server judged this as user '${as.user}' with ${groupsText(as.groups)} (impersonated by this server)`
      : `the API server judged this by your own token (user '${as.user}' here; the message above names the user as ` +
        "the cluster maps the token)";
  return (
    `${seen}, and RBAC does not allow it; try a namespace or cluster you can access, or ask a cluster admin for a ` +
    "RoleBinding or ClusterRoleBinding granting this verb on this resource to that user or one of its groups"
  );
}

/**
 * Why: a refusal of a request sent as the calling user names that user and what to ask for; undefined when the
 * generic hint applies (the kubeconfig's own identity, or an impersonating request whose credential was rejected).
 */
export function actingHint(err: KubeError): string | undefined {
  const as = err.actingAs;
  if (!as) return undefined;
  if (err.kind === "forbidden") return forbidden(as, err.message);
  if (err.kind === "unauthorized" && as.kind === "bearer")
    return (
      `this cluster rejected your own token (user '${as.user}'; cluster_auth = "passthrough"): it does not trust ` +
      "the issuer, or the token's audience or claims do not match its OIDC settings; ask a cluster admin to make " +
      "the API server trust the issuer for this audience (docs/team.md), or have the server impersonate on this " +
      "cluster (cluster_auth_clusters.impersonate)"
    );
  return undefined;
}
