// cluster_auth = "impersonate" against real apiservers with RBAC for several users and groups: every path (tools,
// fan-out legs, compare, resources, completion) runs as the calling user; sessions belong to their user; audit
// records and logs name the user and never carry a token.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { OBJECT_URI } from "../../../src/mcp/resources.js";
import type { ApiTarget } from "../../harness/https.js";
import { apiRequest } from "../../harness/https.js";
import type { OidcProvider } from "../../harness/oidc.js";
import { resultText } from "../../helpers/mcp.js";
import {
  type HttpTestServer,
  INITIALIZE_BODY,
  mcpHeaders,
  rawRequest,
  structured,
  type TestClient,
} from "../http/helpers.js";
import {
  canaryVersion,
  createCanary,
  setupTeamRbac,
  startTeamProvider,
  startTeamServer,
  type TeamRbac,
} from "./helpers.js";

const cp = inject("controlplane");
const [c0, c1] = cp.clusters;
if (!c0 || !c1) throw new Error("the control plane needs two clusters");
const admin: ApiTarget = { server: c0.server, ca: c0.ca, token: c0.adminToken };
const CANARY = "team-canary";

describe('cluster_auth = "impersonate": every call as the calling user', () => {
  let idp: OidcProvider;
  let srv: HttpTestServer;
  let rbac: TeamRbac;
  let version: string;
  const tokens: Record<string, string> = {};
  const clients: Record<string, TestClient> = {};

  beforeAll(async () => {
    idp = await startTeamProvider();
    rbac = await setupTeamRbac(admin);
    version = await createCanary(admin, rbac.namespace, CANARY);
    srv = await startTeamServer(idp, { kubeconfig_dir: cp.kubeconfigDir, cluster_auth: "impersonate" });
    for (const user of ["alice", "bob", "mallory"]) {
      tokens[user] = await idp.token(user);
      clients[user] = await srv.connect(tokens[user]);
    }
  });
  afterAll(async () => {
    await srv?.close();
    await idp?.close();
    await rbac?.cleanup();
  });

  const cm = (name: string, namespace = rbac.namespace) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    namespace,
    name,
  });
  const manifest = (name: string, namespace: string) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ndata:\n  by: mcp\n`;

  it("alice writes in her team's namespace, and nowhere else (the apiserver judges oidc:alice)", async () => {
    const ok = await clients.alice?.call("resources_create_or_update", {
      cluster: c0.name,
      resource: manifest("by-alice", rbac.namespace),
    });
    expect(ok?.isError, ok && resultText(ok)).toBeFalsy();
    expect(
      (await apiRequest(admin, "GET", `/api/v1/namespaces/${rbac.namespace}/configmaps/by-alice`)).status,
    ).toBe(200);
    const denied = await clients.alice?.call("resources_create_or_update", {
      cluster: c0.name,
      resource: manifest("by-alice", "default"),
    });
    expect(denied?.isError).toBe(true);
    expect(denied && resultText(denied)).toMatch(/oidc:alice/);
    expect((await apiRequest(admin, "GET", "/api/v1/namespaces/default/configmaps/by-alice")).status).toBe(
      404,
    );
  });

  it("a refusal's hint names the impersonated user and groups and what to ask for, not the kubeconfig", async () => {
    const denied = await clients.alice?.call("resources_create_or_update", {
      cluster: c0.name,
      resource: manifest("hinted", "default"),
    });
    const text = denied ? resultText(denied) : "";
    expect(denied?.isError, text).toBe(true);
    expect(text).toContain("403");
    expect(text).toContain(
      "Try: the API server judged this as user 'oidc:alice' with groups 'team-a' (impersonated by this server)",
    );
    expect(text).toMatch(
      /ask a cluster admin for a RoleBinding or ClusterRoleBinding .* to that user or one/,
    );
    expect(text).not.toContain("kubeconfig's identity");
    // The same hint in a fan-out leg, for another user and group.
    const legs = await clients.mallory?.call("clusters_exec_all", {
      operation: "resources_get",
      parameters: cm(CANARY),
      clusters: [c0.name],
    });
    const leg = legs && (structured(legs).results as { error?: string }[])[0];
    expect(leg?.error).toContain("user 'oidc:mallory' with groups 'nobody' (impersonated by this server)");
    expect((await apiRequest(admin, "GET", "/api/v1/namespaces/default/configmaps/hinted")).status).toBe(404);
  });

  it("a kubeconfig identity that may not impersonate is named as the problem, with the RBAC it needs", async () => {
    // The harness's viewer may read but not impersonate: the apiserver refuses before judging the user.
    const viewerSrv = await startTeamServer(idp, {
      kubeconfig_dir: cp.viewerKubeconfigDir,
      cluster_auth: "impersonate",
    });
    try {
      const bob = await viewerSrv.connect(tokens.bob as string);
      const r = await bob.call("resources_get", { cluster: c0.name, ...cm(CANARY) });
      const text = resultText(r);
      expect(r.isError, text).toBe(true);
      expect(text).toMatch(/User "viewer" cannot impersonate/);
      expect(text).toContain(
        "Try: this server's own kubeconfig identity may not impersonate user 'oidc:bob' (groups 'k8s-mcp:viewers')",
      );
      expect(text).toContain("the verb impersonate on users and groups");
    } finally {
      await viewerSrv.close();
    }
  });

  it("mallory holds every scope but no RBAC: her delete is refused by the apiserver, the canary is unchanged", async () => {
    const r = await clients.mallory?.call("resources_delete", { cluster: c0.name, ...cm(CANARY) });
    expect(r?.isError).toBe(true);
    expect(r && resultText(r)).toMatch(/oidc:mallory/);
    expect(await canaryVersion(admin, rbac.namespace, CANARY)).toBe(version);
  });

  it("bob reads through his group (k8s-mcp:viewers), across clusters", async () => {
    const r = await clients.bob?.call("resources_get", { cluster: c0.name, ...cm(CANARY) });
    expect(r?.isError, r && resultText(r)).toBeFalsy();
    expect(r && resultText(r)).toContain("team-a");
  });

  it("fan-out legs and clusters_compare run as the caller", async () => {
    const legs = await clients.mallory?.call("clusters_exec_all", {
      operation: "resources_get",
      parameters: cm(CANARY),
      clusters: [c0.name, c1.name],
    });
    const results =
      (legs && (structured(legs).results as { cluster: string; status: string; error?: string }[])) ?? [];
    expect(results.map((l) => l.status)).toEqual(["error", "error"]);
    expect(results.find((l) => l.cluster === c0.name)?.error).toMatch(/oidc:mallory/);
    const bobLegs = await clients.bob?.call("clusters_exec_all", {
      operation: "resources_get",
      parameters: cm(CANARY),
      clusters: [c0.name],
    });
    expect((bobLegs && (structured(bobLegs).results as { status: string }[]))?.[0]?.status).toBe("ok");
    const compared = await clients.mallory?.call("clusters_compare", {
      apiVersion: "v1",
      kind: "ConfigMap",
      name: CANARY,
      namespace: rbac.namespace,
      clusters: [c0.name, c1.name],
    });
    expect(compared && resultText(compared)).toMatch(/oidc:mallory|forbidden/i);
    const bobCompared = await clients.bob?.call("clusters_compare", {
      apiVersion: "v1",
      kind: "ConfigMap",
      name: CANARY,
      namespace: rbac.namespace,
      clusters: [c0.name, c1.name],
    });
    expect(bobCompared && resultText(bobCompared)).not.toMatch(/forbidden/i);
  });

  it("resource reads and completion run as the caller", async () => {
    const uri = `k8s://${c0.name}/v1/ConfigMap/${rbac.namespace}/${CANARY}`;
    const read = await clients.bob?.client.readResource({ uri });
    expect(read?.contents[0]).toMatchObject({ text: expect.stringContaining("team-a") });
    await expect(clients.mallory?.client.readResource({ uri })).rejects.toThrow(/oidc:mallory|forbidden/i);
    const complete = (c: TestClient | undefined) =>
      c?.client.complete({
        ref: { type: "ref/resource", uri: OBJECT_URI },
        argument: { name: "name", value: "team-" },
        context: {
          arguments: { cluster: c0.name, apiVersion: "v1", kind: "ConfigMap", namespace: rbac.namespace },
        },
      });
    expect((await complete(clients.bob))?.completion.values).toContain(CANARY);
    expect((await complete(clients.mallory))?.completion.values).toEqual([]);
  });

  it("a session belongs to the user who opened it: another user's valid token cannot use or close it", async () => {
    const alice = clients.alice as TestClient;
    const sessionId = alice.transport.sessionId as string;
    expect(sessionId).toBeTruthy();
    const headers = mcpHeaders({
      host: `127.0.0.1:${srv.handle.port}`,
      authorization: `Bearer ${tokens.mallory}`,
      "mcp-session-id": sessionId,
      "mcp-protocol-version": "2025-06-18",
    });
    const hijack = await rawRequest(srv.handle.url, {
      method: "POST",
      headers,
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 9,
        method: "tools/call",
        params: { name: "clusters_switch", arguments: { cluster: c1.name } },
      }),
    });
    expect(hijack.status).toBe(404);
    const close = await rawRequest(srv.handle.url, { method: "DELETE", headers });
    expect(close.status).toBe(404);
    // Alice's session is intact and still hers.
    const still = await alice.call("resources_get", { cluster: c0.name, ...cm(CANARY) });
    expect(still.isError).toBeFalsy();
    // A new session for mallory is hers alone (initialize works with her own token).
    const own = await rawRequest(srv.handle.url, {
      method: "POST",
      headers: mcpHeaders({
        host: `127.0.0.1:${srv.handle.port}`,
        authorization: `Bearer ${tokens.mallory}`,
      }),
      body: INITIALIZE_BODY,
    });
    expect(own.status).toBe(200);
  });

  it("audit lines name user, groups and the identity used; no token or part of one is logged", async () => {
    const calls = srv.logs.filter((l) => l.includes("tool call"));
    expect(
      calls.some(
        (l) => l.includes("user=oidc:alice") && l.includes("groups=team-a") && l.includes("as=impersonate"),
      ),
    ).toBe(true);
    expect(calls.some((l) => l.includes("user=oidc:mallory"))).toBe(true);
    const all = srv.logs.join("\n");
    for (const token of Object.values(tokens)) {
      for (const part of token.split(".")) expect(all).not.toContain(part.slice(0, 24));
    }
  });

  it("concurrent calls of two users on one cluster never share an identity", async () => {
    const calls = Array.from({ length: 12 }, (_, i) => {
      const who = i % 2 === 0 ? "bob" : "mallory";
      return clients[who]
        ?.call("resources_get", { cluster: c0.name, ...cm(CANARY) })
        .then((r) => ({ who, r }));
    });
    for (const done of await Promise.all(calls)) {
      expect({ who: done?.who, error: done?.r.isError === true }).toEqual({
        who: done?.who,
        error: done?.who === "mallory",
      });
    }
  });
});
