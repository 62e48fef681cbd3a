// A cluster client acting for someone else: impersonation headers on the server's credential, or the caller's own
// bearer token with none of the server's credentials. The kube layer knows nothing of OAuth: it gets plain facts.
import { createHash } from "node:crypto";
import type { OutgoingHttpHeaders } from "node:http";
import type { ClientSettings } from "./client.js";
import { KubeError } from "./errors.js";

/** Why: who a derived client acts as; `token` is a function so the value never sits in a loggable object. */
export type ClusterAuth =
  | { kind: "impersonate"; user: string; groups: readonly string[] }
  | { kind: "bearer"; user: string; token: () => string };

// Every header a request could use to act as someone else; only the ones set below ever leave this process.
function withoutImpersonation(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (!/^impersonate-/i.test(k)) out[k] = v;
  return out;
}

/**
 * Why: the settings of a client acting as `auth`. impersonate: the kubeconfig's credential plus Impersonate-User
 * and one Impersonate-Group per group. bearer: only the caller's token; no client certificate, no kubeconfig token,
 * no exec plugin, so the server's own identity can never answer for the caller.
 */
export function settingsAs(base: ClientSettings, auth: ClusterAuth): ClientSettings {
  if (auth.kind === "impersonate") {
    return {
      ...base,
      actingAs: { kind: "impersonate", user: auth.user, groups: auth.groups },
      headers: async () => {
        const h = withoutImpersonation(await base.headers());
        h["Impersonate-User"] = auth.user;
        if (auth.groups.length > 0) h["Impersonate-Group"] = [...auth.groups];
        return h;
      },
    };
  }
  // client-node's proxy agent may carry the server's client certificate; a direct connection would skip the proxy.
  if (base.agent)
    throw new KubeError(
      "kubeconfig",
      `cluster '${base.name}' is reached through a proxy-url, which cluster_auth = "passthrough" does not support`,
    );
  const { ca, rejectUnauthorized, servername } = base.tls;
  return {
    ...base,
    tls: { ca, rejectUnauthorized, servername },
    actingAs: { kind: "bearer", user: auth.user },
    headers: async () => ({ Authorization: `Bearer ${auth.token()}` }),
    onUnauthorized: undefined,
  };
}

/** Why: the cache key of a derived client: the same user with other groups, or another token, is another client. */
export function authKey(auth: ClusterAuth): string {
  const h = createHash("sha256");
  if (auth.kind === "impersonate") h.update(`impersonate\0${auth.user}\0${auth.groups.join("\0")}`);
  else h.update(`bearer\0${auth.user}\0${auth.token()}`);
  return h.digest("base64url");
}
