// Hostile users of the shared team server trying to break framing or exhaust it: malformed JSON-RPC with and
// without a token, arguments nested deep enough to overflow a recursive walker, a rate limit dodged by switching
// sessions and methods, and a huge body sent without a token. Each is refused, the server keeps serving the
// well-behaved user, and nothing changes on the cluster.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ApiTarget } from "../../harness/https.js";
import type { OidcProvider } from "../../harness/oidc.js";
import { resultText } from "../../helpers/mcp.js";
import {
  type HttpTestServer,
  INITIALIZE_BODY,
  mcpHeaders,
  rawRequest,
  type TestClient,
} from "../http/helpers.js";
import {
  canaryVersion,
  startTeamFixture,
  startTeamServer,
  type TeamFixture,
  type TeamRbac,
} from "./helpers.js";

const cp = inject("controlplane");
const cluster = cp.clusters[0];
if (!cluster) throw new Error("the control plane has no cluster");
const admin: ApiTarget = { server: cluster.server, ca: cluster.ca, token: cluster.adminToken };
const CANARY = "hostile-exhaust-canary";

describe("hostile framing and exhaustion against the team server", () => {
  let idp: OidcProvider;
  let srv: HttpTestServer;
  let rbac: TeamRbac;
  let version: string;
  let team: TeamFixture | undefined;
  let alice: TestClient;
  let malloryToken: string;

  beforeAll(async () => {
    team = await startTeamFixture(admin, CANARY, {
      kubeconfig_dir: cp.kubeconfigDir,
      cluster_auth: "impersonate",
    });
    ({ idp, srv, rbac, version } = team);
    alice = await srv.connect(await idp.token("alice"));
    malloryToken = await idp.token("mallory");
  });
  afterAll(async () => {
    await team?.close();
  });

  const post = (headers: Record<string, string>, body: string | Buffer, url = srv.handle.url) =>
    rawRequest(url, {
      method: "POST",
      headers: mcpHeaders({ host: `127.0.0.1:${new URL(url).port}`, ...headers }),
      body,
    });
  const deleteArgs = () => ({
    cluster: cluster.name,
    apiVersion: "v1",
    kind: "ConfigMap",
    namespace: rbac.namespace,
    name: CANARY,
  });
  // alice may read the canary: the proof that the server still serves her after each attack.
  const aliceStillServed = async () => {
    const r = await alice.call("resources_get", deleteArgs());
    expect(r.isError, resultText(r)).toBeFalsy();
  };

  it("malformed JSON-RPC, with or without a token, is refused with a protocol error and the server keeps serving", async () => {
    const del = { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "resources_delete" } };
    const bodies: [string, string][] = [
      ["invalid JSON", '{"jsonrpc":"2.0","id":1,"method":"tools/call",'],
      ["wrong jsonrpc", JSON.stringify({ ...del, jsonrpc: "1.0" })],
      ["no jsonrpc", JSON.stringify({ id: 1, method: "tools/call", params: del.params })],
      ["empty batch", "[]"],
      ["batch of a write", JSON.stringify([{ ...del, params: { ...del.params, arguments: deleteArgs() } }])],
      ["object id", JSON.stringify({ ...del, id: { $gt: 0 } })],
      ["array params", JSON.stringify({ ...del, params: [deleteArgs()] })],
      ["numeric method", JSON.stringify({ ...del, method: 7 })],
      ["a JSON string", JSON.stringify("tools/call")],
      ["deeply nested array", `${"[".repeat(200_000)}${"]".repeat(200_000)}`],
    ];
    for (const [name, body] of bodies) {
      // Without a token: 401 before the body is even parsed.
      expect({ name, status: (await post({}, body)).status }).toEqual({ name, status: 401 });
      const res = await post({ authorization: `Bearer ${malloryToken}` }, body);
      expect({ name, status: res.status }).toEqual({ name, status: 400 });
      const answer = JSON.parse(res.body) as { jsonrpc: string; error: { code: number } };
      expect(answer.jsonrpc, name).toBe("2.0");
      expect([-32700, -32600, -32602], name).toContain(answer.error.code);
    }
    await aliceStillServed();
    expect(await canaryVersion(admin, rbac.namespace, CANARY)).toBe(version);
  });

  it("arguments nested 100k deep neither crash the server nor slip a call past the audit", async () => {
    // Built as text: JSON.stringify itself cannot walk this deep.
    const depth = 100_000;
    const deep = `${'{"a":'.repeat(depth)}"x"${"}".repeat(depth)}`;
    const target = JSON.stringify(deleteArgs());
    const bodies = [
      // As an unknown argument of a tool, and inside a fan-out's free-form `parameters`.
      `{"name":"resources_get","arguments":${target.replace(/}$/, `,"extra":${deep}}`)}}`,
      `{"name":"clusters_exec_all","arguments":{"operation":"resources_get","parameters":${target.replace(/}$/, `,"extra":${deep}}`)}}}`,
    ].map((params, id) => `{"jsonrpc":"2.0","id":${id + 2},"method":"tools/call","params":${params}}`);
    const init = await post({ authorization: `Bearer ${malloryToken}` }, INITIALIZE_BODY);
    const headers = {
      authorization: `Bearer ${malloryToken}`,
      "mcp-session-id": init.headers["mcp-session-id"] as string,
      "mcp-protocol-version": "2025-06-18",
    };
    for (const body of bodies) {
      const before = srv.logs.length;
      const res = await post(headers, body);
      expect(res.status).toBeLessThan(500);
      // Refused (a protocol error or isError), and if it ran at all, audited as mallory's: never silent.
      expect(res.body).toMatch(/"isError":true|"error":/);
      const ran = srv.logs.slice(before).some((l) => l.includes("tool call"));
      if (ran) expect(srv.logs.slice(before).join("\n")).toContain("user=oidc:mallory");
    }
    await aliceStillServed();
    expect(await canaryVersion(admin, rbac.namespace, CANARY)).toBe(version);
  });

  it("the per-user rate limit counts every request of the user, whichever session, method or session id", async () => {
    const limited = await startTeamServer(idp, { kubeconfig_dir: cp.kubeconfigDir, http_user_rate_limit: 4 });
    try {
      const auth = { authorization: `Bearer ${malloryToken}` };
      const url = limited.handle.url;
      const hdr = (extra: Record<string, string>) =>
        mcpHeaders({ host: `127.0.0.1:${limited.handle.port}`, ...auth, ...extra });
      const s1 = await post(auth, INITIALIZE_BODY, url);
      expect(s1.status).toBe(200);
      const statuses = [
        (await post(auth, INITIALIZE_BODY, url)).status,
        (await rawRequest(url, { method: "GET", headers: hdr({ "mcp-session-id": "made-up-1" }) })).status,
        (await rawRequest(url, { method: "DELETE", headers: hdr({ "mcp-session-id": "made-up-2" }) })).status,
        (await post(auth, INITIALIZE_BODY, url)).status,
      ];
      expect(statuses).toEqual([200, 404, 404, 429]);
      // A fresh token of the same user is the same budget.
      expect(
        (await post({ authorization: `Bearer ${await idp.token("mallory")}` }, INITIALIZE_BODY, url)).status,
      ).toBe(429);
      // Another user is not limited by it.
      expect(
        (await post({ authorization: `Bearer ${await idp.token("alice")}` }, INITIALIZE_BODY, url)).status,
      ).toBe(200);
    } finally {
      await limited.close();
    }
    expect(await canaryVersion(admin, rbac.namespace, CANARY)).toBe(version);
  });

  it("a huge body without a token is answered 401 and not read to the end", async () => {
    const target = new URL(srv.handle.url);
    const total = 256 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const outcome = await new Promise<{ status: number; written: number }>((resolve) => {
      let status = 0;
      let written = 0;
      const req = request({
        host: target.hostname,
        port: target.port,
        method: "POST",
        path: target.pathname,
        headers: mcpHeaders({ host: `127.0.0.1:${target.port}`, "content-length": String(total) }),
        agent: false,
      });
      req.on("response", (res) => {
        status = res.statusCode ?? 0;
        res.resume();
      });
      req.on("error", () => {});
      req.on("close", () => resolve({ status, written }));
      const pump = (): void => {
        while (written < total) {
          written += chunk.length;
          if (!req.write(chunk)) {
            req.once("drain", pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    expect(outcome.status).toBe(401);
    expect(outcome.written).toBeLessThan(total);
    await aliceStillServed();
  });
});
