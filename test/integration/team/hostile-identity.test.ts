// Hostile users of the shared team server trying to become someone else: reserved names and groups issued by the
// IdP, identity chosen by a front-proxy header, protocol-version tricks, batches carrying a write. Each attack is
// refused and the canary on the real cluster is unchanged (its resourceVersion and the namespace's ConfigMaps).
import { Agent, request } from "node:http";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ApiTarget } from "../../harness/https.js";
import { apiRequest } from "../../harness/https.js";
import { type OidcProvider, startOidcProvider } from "../../harness/oidc.js";
import { resultText } from "../../helpers/mcp.js";
import {
  connectClient,
  type HttpTestServer,
  INITIALIZE_BODY,
  mcpHeaders,
  type RawResponse,
  rawRequest,
  startHttpTestServer,
} from "../http/helpers.js";
import {
  AUDIENCE,
  canaryVersion,
  createCanary,
  forge,
  oauthConfig,
  setupTeamRbac,
  startTeamServer,
  type TeamRbac,
  USERS,
} from "./helpers.js";

const cp = inject("controlplane");
const cluster = cp.clusters[0];
if (!cluster) throw new Error("the control plane has no cluster");
const admin: ApiTarget = { server: cluster.server, ca: cluster.ca, token: cluster.adminToken };
const CANARY = "hostile-id-canary";

// eve's IdP lets her put herself in the apiserver's reserved groups (a self-service group directory would).
const HOSTILE_USERS = [
  ...USERS,
  { id: "eve", groups: ["system:masters", "system:nodes"], scopes: ["k8s:read", "k8s:write"] },
];

describe("hostile identity: becoming someone else through the team server", () => {
  let idp: OidcProvider;
  let srv: HttpTestServer;
  let rbac: TeamRbac;
  let version: string;
  let before: { canary: string | undefined; names: string[] };

  beforeAll(async () => {
    idp = await startOidcProvider(AUDIENCE, HOSTILE_USERS);
    rbac = await setupTeamRbac(admin);
    version = await createCanary(admin, rbac.namespace, CANARY);
    srv = await startTeamServer(idp, { kubeconfig_dir: cp.kubeconfigDir, cluster_auth: "impersonate" });
    before = await clusterState();
    expect(before.canary).toBe(version);
  });
  afterAll(async () => {
    await srv?.close();
    await idp?.close();
    await rbac?.cleanup();
  });

  const target = () => ({ apiVersion: "v1", kind: "ConfigMap", namespace: rbac.namespace, name: CANARY });
  const call = (id: number, name: string, args: Record<string, unknown>) => ({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name, arguments: args },
  });
  const post = (headers: Record<string, string>, body: unknown): Promise<RawResponse> =>
    rawRequest(srv.handle.url, {
      method: "POST",
      headers: mcpHeaders({ host: `127.0.0.1:${srv.handle.port}`, ...headers }),
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  // The canary and the team namespace's ConfigMap names: what an attack would have to change.
  const clusterState = async () => {
    const list = await apiRequest(admin, "GET", `/api/v1/namespaces/${rbac.namespace}/configmaps`);
    const names = list
      .json<{ items: { metadata: { name: string } }[] }>()
      .items.map((i) => i.metadata.name)
      .sort();
    return { canary: await canaryVersion(admin, rbac.namespace, CANARY), names };
  };

  // An initialized session for a token, over raw HTTP (so the attack's own headers can be added to every call).
  async function session(token: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
    const headers = { authorization: `Bearer ${token}`, ...extra };
    const init = await post(headers, INITIALIZE_BODY);
    expect(init.status).toBe(200);
    const id = init.headers["mcp-session-id"] as string;
    const h = { ...headers, "mcp-session-id": id, "mcp-protocol-version": "2025-06-18" };
    expect((await post(h, { jsonrpc: "2.0", method: "notifications/initialized" })).status).toBe(202);
    return h;
  }
  // The tool result inside a JSON or SSE answer.
  function result(res: RawResponse): { isError?: boolean; content: { text: string }[] } {
    const line = res.body.split("\n").find((l) => l.startsWith("data: ")) ?? res.body;
    return (JSON.parse(line.replace(/^data: /, "")) as { result: never }).result;
  }

  it("a group claim of system:masters (issued by the real IdP) is never impersonated: the delete is refused", async () => {
    const eve = await connectClient(srv.handle.url, await idp.token("eve"));
    try {
      const del = await eve.call("resources_delete", { cluster: cluster.name, ...target() });
      expect(del.isError).toBe(true);
      expect(resultText(del)).toMatch(/oidc:eve/);
      // Not even a cluster-scoped read that system:masters would allow.
      const nodes = await eve.call("resources_list", {
        cluster: cluster.name,
        apiVersion: "v1",
        kind: "Secret",
      });
      expect(nodes.isError).toBe(true);
    } finally {
      await eve.client.close();
    }
    expect(await clusterState()).toEqual(before);
  });

  it("a user named system:admin by the IdP (no username_prefix) is refused before any request", async () => {
    const bare = await startHttpTestServer({
      port: 0,
      kubeconfig_dir: cp.kubeconfigDir,
      cluster_auth: "impersonate",
      oauth: { ...oauthConfig(idp), username_prefix: "" },
    });
    try {
      // Signed with the IdP's real key: what an IdP that lets users choose their subject would issue.
      for (const sub of ["system:admin", "system:serviceaccount:kube-system:default"]) {
        const c = await connectClient(bare.handle.url, await forge(idp, { sub, groups: ["system:masters"] }));
        const del = await c.call("resources_delete", { cluster: cluster.name, ...target() });
        expect(del.isError).toBe(true);
        expect(resultText(del)).toMatch(/reserved/);
        await c.client.close();
      }
    } finally {
      await bare.close();
    }
    expect(await clusterState()).toEqual(before);
  });

  it("a claim carrying CR/LF cannot inject an Impersonate-* header or a log line", async () => {
    // Signed with the IdP's real key: an IdP whose username or group claims users may edit would issue these.
    const evil = [
      { sub: "mallory\r\nImpersonate-User: system:admin", groups: ["nobody"] },
      { sub: "mallory", groups: ["nobody\r\nImpersonate-Group: system:masters", "team-a\nx"] },
      { sub: "mallory", groups: "nobody\r\nImpersonate-Group:\tsystem:masters" },
    ];
    const logged = srv.logs.length;
    for (const claims of evil) {
      const c = await connectClient(srv.handle.url, await forge(idp, claims));
      const del = await c.call("resources_delete", { cluster: cluster.name, ...target() });
      expect(del.isError).toBe(true);
      await c.client.close();
    }
    // Every log line is one line: a newline inside a claim is quoted, never a line of its own.
    for (const line of srv.logs.slice(logged)) expect(line).not.toMatch(/^\s*Impersonate-/m);
    expect(await clusterState()).toEqual(before);
  });

  it("front-proxy and forwarding headers choose nothing: mallory stays oidc:mallory", async () => {
    const spoof = {
      "x-forwarded-user": "oidc:alice",
      "x-remote-user": "system:admin",
      "x-remote-group": "system:masters",
      "x-forwarded-groups": "team-a",
      "x-auth-request-user": "alice",
      "x-mcp-user": "alice",
    };
    const h = await session(await idp.token("mallory"), spoof);
    const del = result(await post(h, call(3, "resources_delete", { cluster: cluster.name, ...target() })));
    expect(del.isError).toBe(true);
    expect(del.content[0]?.text).toMatch(/oidc:mallory/);
    expect(del.content[0]?.text).not.toMatch(/oidc:alice|system:admin/);
    const make = result(
      await post(
        h,
        call(4, "resources_create_or_update", {
          cluster: cluster.name,
          resource: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: by-mallory\n  namespace: ${rbac.namespace}\n`,
        }),
      ),
    );
    expect(make.isError).toBe(true);
    expect(await clusterState()).toEqual(before);
  });

  it("Mcp-Protocol-Version tricks neither skip authentication nor reach a tool", async () => {
    const del = call(5, "resources_delete", { cluster: cluster.name, ...target() });
    // No token, whatever version is claimed: 401 first.
    for (const v of ["2025-06-18", "2026-07-28", "1999-01-01", ""]) {
      expect((await post({ "mcp-protocol-version": v }, del)).status).toBe(401);
    }
    // A read-only token cannot write by claiming another era or a bogus version: scope is checked on the body.
    const carol = await session(await idp.token("carol", { scope: "k8s:read" }));
    for (const v of ["2024-11-05", "2026-07-28", "9999-99-99"]) {
      const res = await post({ ...carol, "mcp-protocol-version": v }, del);
      expect({ v, status: res.status }).toEqual({ v, status: 403 });
    }
    // A bogus version on alice's own session is refused by the transport, not run.
    const alice = await session(await idp.token("alice"));
    const bogus = await post({ ...alice, "mcp-protocol-version": "9999-99-99" }, del);
    expect(bogus.status).toBe(400);
    expect(await clusterState()).toEqual(before);
  });

  it("one keep-alive connection carries no identity: each request on it is judged on its own token", async () => {
    const alice = await session(await idp.token("alice"));
    const mallory = await idp.token("mallory");
    const del = JSON.stringify(call(9, "resources_delete", { cluster: cluster.name, ...target() }));
    const get = JSON.stringify(call(10, "resources_get", { cluster: cluster.name, ...target() }));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const { authorization: _a, ...noAuth } = alice;
    const send = (headers: Record<string, string>, body: string) =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = request(srv.handle.url, {
          method: "POST",
          agent,
          headers: mcpHeaders({ host: `127.0.0.1:${srv.handle.port}`, ...headers }),
        });
        req.on("response", (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
        });
        req.on("error", reject);
        req.end(body);
      });
    try {
      const answers = [
        await send(alice, get),
        await send(noAuth, del),
        await send({ ...noAuth, authorization: `Bearer ${mallory}` }, del),
        await send({ ...alice, authorization: "Bearer " }, del),
        await send(alice, get),
      ];
      expect(answers.map((a) => a.status)).toEqual([200, 401, 404, 401, 200]);
      // Precondition: the socket really was shared, so a connection-bound identity would have shown.
      expect(answers.slice(1).some((a) => a.reused)).toBe(true);
    } finally {
      agent.destroy();
    }
    expect(await clusterState()).toEqual(before);
  });

  it("a batch smuggling a write behind a read is refused whole (400), for any token", async () => {
    const carol = await session(await idp.token("carol", { scope: "k8s:read" }));
    const alice = await session(await idp.token("alice"));
    const batch = [
      call(6, "resources_get", { cluster: cluster.name, ...target() }),
      call(7, "resources_delete", { cluster: cluster.name, ...target() }),
    ];
    for (const h of [carol, alice]) {
      const res = await post(h, batch);
      expect([400, 403]).toContain(res.status);
      expect(res.body).not.toContain('"result"');
    }
    // A batch carrying initialize + call without a session: refused, no session appears.
    const sessions = srv.handle.sessionCount();
    const init = await post({ authorization: carol.authorization as string }, [
      JSON.parse(INITIALIZE_BODY),
      call(8, "resources_delete", { cluster: cluster.name, ...target() }),
    ]);
    expect(init.status).toBe(400);
    expect(srv.handle.sessionCount()).toBe(sessions);
    expect(await clusterState()).toEqual(before);
  });
});
