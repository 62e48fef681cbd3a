// A hostile user of the team server (legacy 2025 sessions) opening session after session to fill the server's
// session limit and lock everyone else out. With [oauth] a user holds at most a hundredth of the limit: each new
// session closes that user's least recently used idle one, so other users still get in.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ApiTarget } from "../../harness/https.js";
import type { OidcProvider } from "../../harness/oidc.js";
import { resultText } from "../../helpers/mcp.js";
import { type HttpTestServer, INITIALIZE_BODY, LIST_CALL, mcpHeaders, rawRequest } from "../http/helpers.js";
import { canaryVersion, startTeamFixture, type TeamFixture, type TeamRbac } from "./helpers.js";

const cp = inject("controlplane");
const cluster = cp.clusters[0];
if (!cluster) throw new Error("the control plane has no cluster");
const admin: ApiTarget = { server: cluster.server, ca: cluster.ca, token: cluster.adminToken };
const CANARY = "hostile-sessions-canary";

describe("one user cannot take every session of the team server", () => {
  let idp: OidcProvider;
  let srv: HttpTestServer;
  let rbac: TeamRbac;
  let version: string;
  let team: TeamFixture | undefined;

  beforeAll(async () => {
    // A limit of 5 sessions: each signed-in user may hold one.
    team = await startTeamFixture(
      admin,
      CANARY,
      { kubeconfig_dir: cp.kubeconfigDir, cluster_auth: "impersonate", http_legacy: "sessions" },
      { maxSessions: 5 },
    );
    ({ idp, srv, rbac, version } = team);
  });
  afterAll(async () => {
    await team?.close();
  });

  const post = (headers: Record<string, string>, body: string) =>
    rawRequest(srv.handle.url, {
      method: "POST",
      headers: mcpHeaders({ host: `127.0.0.1:${new URL(srv.handle.url).port}`, ...headers }),
      body,
    });

  it("a user opening sessions beyond their share loses their own oldest, and another user still gets in", async () => {
    const mallory = `Bearer ${await idp.token("mallory")}`;
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const init = await post({ authorization: mallory }, INITIALIZE_BODY);
      expect(init.status, init.body).toBe(200);
      ids.push(init.headers["mcp-session-id"] as string);
    }
    expect(new Set(ids).size).toBe(8);
    const inSession = (id: string) =>
      post({ authorization: mallory, "mcp-session-id": id, "mcp-protocol-version": "2025-06-18" }, LIST_CALL);
    // Her earlier sessions were closed to make room: unknown now. Her newest still serves her.
    expect((await inSession(ids[0] as string)).status).toBe(404);
    expect((await inSession(ids[6] as string)).status).toBe(404);
    expect((await inSession(ids[7] as string)).status).toBe(200);

    // alice opens a session and is served as herself.
    const alice = await srv.connect(await idp.token("alice"));
    const r = await alice.call("resources_get", {
      cluster: cluster.name,
      apiVersion: "v1",
      kind: "ConfigMap",
      namespace: rbac.namespace,
      name: CANARY,
    });
    expect(r.isError, resultText(r)).toBeFalsy();
    expect(srv.logs.join("\n")).toMatch(/the user's session limit: least recently used/);
    expect(await canaryVersion(admin, rbac.namespace, CANARY)).toBe(version);
  });
});
