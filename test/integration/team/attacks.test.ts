// The attacker's table against the OAuth resource server: each forged, stolen, stretched or misplaced token is
// refused before anything runs, and the target on the real cluster is unchanged. Tokens come from a real OpenID
// provider (client_credentials grant) or are signed with its real key when a grant cannot produce the claim.
import { createPublicKey, KeyObject } from "node:crypto";
import { generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ApiTarget } from "../../harness/https.js";
import type { OidcProvider } from "../../harness/oidc.js";
import {
  connectClient,
  type HttpTestServer,
  mcpHeaders,
  type RawResponse,
  rawRequest,
} from "../http/helpers.js";
import {
  AUDIENCE,
  canaryVersion,
  createCanary,
  forge,
  setupTeamRbac,
  startTeamProvider,
  startTeamServer,
  type TeamRbac,
} from "./helpers.js";

const cp = inject("controlplane");
const cluster = cp.clusters[0];
if (!cluster) throw new Error("the control plane has no cluster");
const admin: ApiTarget = { server: cluster.server, ca: cluster.ca, token: cluster.adminToken };
const CANARY = "attack-canary";

function b64url(text: string): string {
  return Buffer.from(text).toString("base64url");
}

describe("OAuth resource server: the attacker's table", () => {
  let idp: OidcProvider;
  let srv: HttpTestServer;
  let rbac: TeamRbac;
  let version: string;
  let deleteCall: string;

  beforeAll(async () => {
    idp = await startTeamProvider();
    rbac = await setupTeamRbac(admin);
    version = await createCanary(admin, rbac.namespace, CANARY);
    srv = await startTeamServer(idp, { kubeconfig_dir: cp.kubeconfigDir, cluster_auth: "impersonate" });
    deleteCall = JSON.stringify({
      jsonrpc: "2.0",
      id: 7,
      method: "tools/call",
      params: {
        name: "resources_delete",
        arguments: {
          cluster: cluster.name,
          apiVersion: "v1",
          kind: "ConfigMap",
          namespace: rbac.namespace,
          name: CANARY,
        },
      },
    });
  });
  afterAll(async () => {
    await srv?.close();
    await idp?.close();
    await rbac?.cleanup();
  });

  const post = (headers: Record<string, string>, path?: string): Promise<RawResponse> =>
    rawRequest(srv.handle.url, {
      method: "POST",
      path,
      headers: mcpHeaders({ host: `127.0.0.1:${srv.handle.port}`, ...headers }),
      body: deleteCall,
    });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it("publishes RFC 9728 metadata naming the audience, the issuer and the scopes", async () => {
    for (const path of [
      "/.well-known/oauth-protected-resource",
      "/.well-known/oauth-protected-resource/mcp",
    ]) {
      const res = await rawRequest(srv.handle.url, {
        path,
        headers: { host: `127.0.0.1:${srv.handle.port}` },
      });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({
        resource: AUDIENCE,
        authorization_servers: [idp.issuer],
        scopes_supported: ["k8s:read", "k8s:write"],
        bearer_methods_supported: ["header"],
        resource_name: "k8s-mcp",
      });
    }
  });

  it("no token: 401 with a challenge pointing at the metadata", async () => {
    const res = await post({});
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toBe(
      'Bearer resource_metadata="https://mcp.test.example/.well-known/oauth-protected-resource/mcp"',
    );
  });

  it("refuses each bad token with 401 invalid_token, and the canary is unchanged", async () => {
    const now = Math.floor(Date.now() / 1000);
    const rogue = (await generateKeyPair("ES256")).privateKey;
    // The classic confusion: the issuer's public key (as a verifier would hold it) used as an HMAC secret.
    const pem = createPublicKey(KeyObject.from(idp.signingKey))
      .export({ type: "spki", format: "pem" })
      .toString();
    const real = await idp.token("alice");
    const [h, p] = real.split(".");
    const attacks: [string, string][] = [
      ["expired", await forge(idp, { exp: now - 120 })],
      ["not yet valid", await forge(idp, { nbf: now + 120 })],
      [
        "wrong audience (a real grant for another resource)",
        await idp.token("alice", { resource: "https://other.example/api" }),
      ],
      ["wrong issuer", await forge(idp, { iss: "https://evil.example" })],
      ["alg none", `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${p}.`],
      [
        "HMAC signed with a public key",
        await forge(idp, {}, { alg: "HS256", key: new TextEncoder().encode(pem) }),
      ],
      ["rogue key with the real kid", await forge(idp, {}, { key: rogue })],
      ["unknown kid", await forge(idp, {}, { key: rogue, kid: "rogue-1" })],
      [
        "tampered payload",
        `${h}.${b64url(JSON.stringify({ sub: "admin", aud: AUDIENCE, iss: idp.issuer }))}.${real.split(".")[2]}`,
      ],
      ["huge token", `${real}${"A".repeat(9000)}`],
      ["not a JWT", "opaque-token-value"],
    ];
    for (const [name, token] of attacks) {
      const res = await post(bearer(token));
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expect(res.headers["www-authenticate"], name).toMatch(
        /^Bearer resource_metadata="[^"]+", error="invalid_token"/,
      );
      // Nothing of the token is ever echoed.
      expect(res.body, name).not.toContain(token.slice(-12));
    }
    expect(await canaryVersion(admin, rbac.namespace, CANARY)).toBe(version);
  });

  it("accepts clock skew up to a minute, not more", async () => {
    const now = Math.floor(Date.now() / 1000);
    const late = await connectClient(srv.handle.url, await forge(idp, { exp: now - 30 }));
    const early = await connectClient(srv.handle.url, await forge(idp, { nbf: now + 30 }));
    for (const c of [late, early]) {
      const r = await c.call("resources_get", {
        cluster: cluster.name,
        apiVersion: "v1",
        kind: "ConfigMap",
        namespace: rbac.namespace,
        name: CANARY,
      });
      expect(r.isError).toBeFalsy();
      await c.client.close();
    }
  });

  it("refuses a token in the query string and client Impersonate-* headers (400), canary unchanged", async () => {
    const token = await idp.token("mallory");
    const query = await post({}, `/mcp?access_token=${encodeURIComponent(token)}`);
    expect(query.status).toBe(400);
    expect(query.headers["www-authenticate"]).toMatch(/error="invalid_request"/);
    for (const header of [
      "impersonate-user",
      "impersonate-group",
      "impersonate-uid",
      "impersonate-extra-scopes",
    ]) {
      const res = await post({ ...bearer(token), [header]: "system:admin" });
      expect({ header, status: res.status }).toEqual({ header, status: 400 });
    }
    expect(await canaryVersion(admin, rbac.namespace, CANARY)).toBe(version);
  });

  it("a read-only token cannot write, directly or through a fan-out (403 insufficient_scope)", async () => {
    const carol = await connectClient(srv.handle.url, await idp.token("carol", { scope: "k8s:read" }));
    const target = { apiVersion: "v1", kind: "ConfigMap", namespace: rbac.namespace, name: CANARY };
    await expect(carol.call("resources_delete", { cluster: cluster.name, ...target })).rejects.toThrow(
      /403|k8s:write/,
    );
    await expect(
      carol.call("clusters_exec_all", {
        operation: "resources_delete",
        parameters: target,
        clusters: [cluster.name],
        confirm: true,
      }),
    ).rejects.toThrow(/403|k8s:write/);
    // Reads are what the token is for.
    const read = await carol.call("clusters_exec_all", {
      operation: "resources_get",
      parameters: target,
      clusters: [cluster.name],
    });
    expect(read.isError).toBeFalsy();
    await carol.client.close();
    expect(await canaryVersion(admin, rbac.namespace, CANARY)).toBe(version);
  });

  it("an unknown kid refetches the JWKS at most once per cooldown, however often it is presented", async () => {
    const rogue = (await generateKeyPair("ES256")).privateKey;
    const before = idp.jwksFetches();
    const tokens = await Promise.all(
      Array.from({ length: 30 }, (_, i) => forge(idp, {}, { key: rogue, kid: `unknown-${i}` })),
    );
    const answers = await Promise.all(tokens.map((t) => post(bearer(t))));
    expect(answers.every((a) => a.status === 401)).toBe(true);
    expect(idp.jwksFetches() - before).toBeLessThanOrEqual(1);
  });

  it("limits each user's request rate without any session (429 with Retry-After), other users unaffected", async () => {
    const limited = await startTeamServer(idp, { kubeconfig_dir: cp.kubeconfigDir, http_user_rate_limit: 3 });
    try {
      const send = (token: string) =>
        rawRequest(limited.handle.url, {
          method: "POST",
          headers: mcpHeaders({ host: `127.0.0.1:${limited.handle.port}`, ...bearer(token) }),
          body: deleteCall,
        });
      const mallory = await idp.token("mallory");
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await send(mallory)).status);
      // Three pass authentication (and then lack a session: 400); the fourth is over the limit.
      expect(statuses).toEqual([400, 400, 400, 429]);
      const over = await send(mallory);
      expect(Number(over.headers["retry-after"])).toBeGreaterThan(0);
      // bob is not limited by mallory's budget (his token lacks k8s:write for this delete: 403, not 429).
      expect((await send(await idp.token("bob"))).status).toBe(403);
    } finally {
      await limited.close();
    }
    expect(await canaryVersion(admin, rbac.namespace, CANARY)).toBe(version);
  });
});
