// Team setup for the OAuth tests: a real OpenID provider, RBAC for several users and groups on real clusters, and
// the HTTP server in-process with [oauth]. Users are the provider's clients (client_credentials; sub = client id).
import { randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import type { ApiTarget } from "../../harness/https.js";
import { apiRequest } from "../../harness/https.js";
import { type OidcProvider, startOidcProvider, type TeamUser } from "../../harness/oidc.js";
import type { ConfigInput } from "../../helpers/mcp.js";
import { type HttpTestServer, startHttpTestServer } from "../http/helpers.js";

/** Why: the MCP server's resource identifier: every token's required `aud`. */
export const AUDIENCE = "https://mcp.test.example/mcp";

/** Why: the apiserver's own OIDC prefix is matched with username_prefix, so RBAC names "oidc:<user>". */
export const PREFIX = "oidc:";

/**
 * Why: the team. alice edits in the team namespace (group team-a); bob reads everything (k8s-mcp:viewers, bound by
 * the harness); carol is in team-a but was granted only the read scope; mallory has every scope and no RBAC.
 */
export const USERS: TeamUser[] = [
  { id: "alice", groups: ["team-a"], scopes: ["k8s:read", "k8s:write"] },
  { id: "bob", groups: ["k8s-mcp:viewers"], scopes: ["k8s:read"] },
  { id: "carol", groups: ["team-a"], scopes: ["k8s:read"] },
  { id: "mallory", groups: ["nobody"], scopes: ["k8s:read", "k8s:write"] },
];

/** Why: starts the provider for the test audience with the team above. */
export function startTeamProvider(): Promise<OidcProvider> {
  return startOidcProvider(AUDIENCE, USERS);
}

/** Why: the [oauth] table for a provider, as a TOML file would give it. */
export function oauthConfig(idp: OidcProvider): Record<string, unknown> {
  return { issuer: idp.issuer, audience: AUDIENCE, ca_file: idp.caFile, username_prefix: PREFIX };
}

/** Why: starts the HTTP server (loopback, ephemeral port) with [oauth] and the given cluster_auth settings. */
export function startTeamServer(
  idp: OidcProvider,
  input: ConfigInput,
  opts: Parameters<typeof startHttpTestServer>[1] = {},
): Promise<HttpTestServer> {
  return startHttpTestServer({ port: 0, oauth: oauthConfig(idp), ...input }, opts);
}

async function must(target: ApiTarget, method: string, path: string, body: unknown): Promise<void> {
  const res = await apiRequest(target, method, path, body);
  if (res.status >= 300 && res.status !== 404)
    throw new Error(`${method} ${path}: ${res.status} ${res.body}`);
}

/** Why: what the RBAC setup made, for the tests and their cleanup. */
export interface TeamRbac {
  namespace: string;
  cleanup: () => Promise<void>;
}

/**
 * Why: RBAC as a team would have it: group team-a may manage ConfigMaps and Pods in its own namespace only. Names
 * are unique per run, so tests sharing the clusters never see each other's objects.
 */
export async function setupTeamRbac(target: ApiTarget): Promise<TeamRbac> {
  const suffix = randomBytes(3).toString("hex");
  const namespace = `team-a-${suffix}`;
  const role = `team-editor-${suffix}`;
  await must(target, "POST", "/api/v1/namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: namespace },
  });
  await must(target, "POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: role },
    rules: [{ apiGroups: [""], resources: ["configmaps", "pods"], verbs: ["*"] }],
  });
  await must(target, "POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: "team-a-editors" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
    subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "team-a" }],
  });
  return {
    namespace,
    cleanup: async () => {
      await apiRequest(target, "DELETE", `/api/v1/namespaces/${namespace}`);
      await apiRequest(target, "DELETE", `/apis/rbac.authorization.k8s.io/v1/clusterroles/${role}`);
    },
  };
}

/** Why: a canary object the attacks aim at; the tests assert it is unchanged afterwards. */
export async function createCanary(target: ApiTarget, namespace: string, name: string): Promise<string> {
  const res = await apiRequest(target, "POST", `/api/v1/namespaces/${namespace}/configmaps`, {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name },
    data: { owner: "team-a" },
  });
  if (res.status !== 201) throw new Error(`canary: ${res.status} ${res.body}`);
  return res.json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion;
}

/** Why: the canary's resourceVersion now (undefined when it is gone): any change to it changes this. */
export async function canaryVersion(
  target: ApiTarget,
  namespace: string,
  name: string,
): Promise<string | undefined> {
  const res = await apiRequest(target, "GET", `/api/v1/namespaces/${namespace}/configmaps/${name}`);
  return res.status === 200
    ? res.json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion
    : undefined;
}

/** Why: a token signed with the provider's real key (or `key`), for claims a real grant would never produce. */
export async function forge(
  idp: OidcProvider,
  claims: Record<string, unknown>,
  opts: { key?: Parameters<SignJWT["sign"]>[0]; kid?: string; alg?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: "alice", groups: ["team-a"], scope: "k8s:read k8s:write", ...claims })
    .setProtectedHeader({ alg: opts.alg ?? "ES256", kid: opts.kid ?? idp.kid, typ: "at+jwt" })
    .setIssuer((claims.iss as string) ?? idp.issuer)
    .setAudience((claims.aud as string) ?? AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime((claims.exp as number) ?? now + 300)
    .sign(opts.key ?? idp.signingKey);
}

/** Why: what a team test starts: the IdP, the RBAC, a canary ConfigMap (and its version) and the team server. */
export interface TeamFixture {
  idp: OidcProvider;
  rbac: TeamRbac;
  /** The canary's resourceVersion right after it was created: what no refused attack may change. */
  version: string;
  srv: HttpTestServer;
  close: () => Promise<void>;
}

/** Why: the one setup the team tests share: a real IdP, team RBAC, a canary and a server signing in with it. */
export async function startTeamFixture(
  admin: ApiTarget,
  canary: string,
  input: ConfigInput,
  opts: Parameters<typeof startHttpTestServer>[1] = {},
): Promise<TeamFixture> {
  const idp = await startTeamProvider();
  let rbac: TeamRbac | undefined;
  let srv: HttpTestServer | undefined;
  const close = async () => {
    await srv?.close();
    await idp.close();
    await rbac?.cleanup();
  };
  try {
    rbac = await setupTeamRbac(admin);
    const version = await createCanary(admin, rbac.namespace, canary);
    srv = await startTeamServer(idp, input, opts);
    return { idp, rbac, version, srv, close };
  } catch (err) {
    await close();
    throw err;
  }
}
