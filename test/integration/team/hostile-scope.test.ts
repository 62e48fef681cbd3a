// Hostile users of the shared team server reaching past their scope or into another user's session: a token with
// no k8s scope trying the side doors (resources/read, completion, prompts, a fan-out), and another user's session
// id used for its event stream or to answer the server's questions to its owner. Each is refused, and the canary on
// the real cluster is unchanged.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { OBJECT_URI } from "../../../src/mcp/resources.js";
import type { ApiTarget } from "../../harness/https.js";
import type { OidcProvider } from "../../harness/oidc.js";
import { resultText } from "../../helpers/mcp.js";
import {
  connectClient,
  type HttpTestServer,
  mcpHeaders,
  rawRequest,
  type TestClient,
} from "../http/helpers.js";
import { canaryVersion, startTeamFixture, type TeamFixture, type TeamRbac } from "./helpers.js";

const cp = inject("controlplane");
const cluster = cp.clusters[0];
if (!cluster) throw new Error("the control plane has no cluster");
const admin: ApiTarget = { server: cluster.server, ca: cluster.ca, token: cluster.adminToken };
const CANARY = "hostile-scope-canary";

describe("hostile scope: side doors and other users' sessions", () => {
  let idp: OidcProvider;
  let srv: HttpTestServer;
  let rbac: TeamRbac;
  let version: string;
  let team: TeamFixture | undefined;
  let noScope: TestClient;

  beforeAll(async () => {
    team = await startTeamFixture(admin, CANARY, {
      kubeconfig_dir: cp.kubeconfigDir,
      cluster_auth: "impersonate",
    });
    ({ idp, srv, rbac, version } = team);
    // bob may read everything on the cluster, but this token of his grants no k8s scope at all.
    noScope = await srv.connect(await idp.token("bob", { scope: "" }));
  });
  afterAll(async () => {
    await team?.close();
  });

  const ref = () => ({ apiVersion: "v1", kind: "ConfigMap", namespace: rbac.namespace, name: CANARY });

  it("a token without the read scope reads nothing: tools, fan-out, resources/read and completion", async () => {
    await expect(noScope.call("resources_get", { cluster: cluster.name, ...ref() })).rejects.toThrow(
      /403|k8s:read/,
    );
    await expect(
      noScope.call("clusters_exec_all", {
        operation: "resources_get",
        parameters: ref(),
        clusters: [cluster.name],
      }),
    ).rejects.toThrow(/403|k8s:read/);
    const uri = `k8s://${cluster.name}/v1/ConfigMap/${rbac.namespace}/${CANARY}`;
    const read = noScope.client.readResource({ uri });
    await expect(read).rejects.toThrow(/k8s:read/);
    const names = await noScope.client.complete({
      ref: { type: "ref/resource", uri: OBJECT_URI },
      argument: { name: "name", value: "" },
      context: {
        arguments: { cluster: cluster.name, apiVersion: "v1", kind: "ConfigMap", namespace: rbac.namespace },
      },
    });
    expect(names.completion.values).toEqual([]);
    const namespaces = await noScope.client.complete({
      ref: { type: "ref/prompt", name: "debug_pod" },
      argument: { name: "namespace", value: "" },
      context: { arguments: { cluster: cluster.name } },
    });
    expect(namespaces.completion.values).not.toContain(rbac.namespace);
    // Precondition: the same user with the read scope does see them (the refusal is the scope, not RBAC).
    const bob = await connectClient(srv.handle.url, await idp.token("bob"));
    try {
      const ok = await bob.call("resources_get", { cluster: cluster.name, ...ref() });
      expect(ok.isError, resultText(ok)).toBeFalsy();
      const seen = await bob.client.complete({
        ref: { type: "ref/prompt", name: "debug_pod" },
        argument: { name: "namespace", value: "" },
        context: { arguments: { cluster: cluster.name } },
      });
      expect(seen.completion.values).toContain(rbac.namespace);
    } finally {
      await bob.client.close();
    }
    expect(await canaryVersion(admin, rbac.namespace, CANARY)).toBe(version);
  });

  it("another user's session id opens neither its event stream nor lets anyone answer for its owner", async () => {
    const alice = await srv.connect(await idp.token("alice"));
    const sessionId = alice.transport.sessionId as string;
    const mallory = await idp.token("mallory");
    const headers = mcpHeaders({
      host: `127.0.0.1:${srv.handle.port}`,
      authorization: `Bearer ${mallory}`,
      "mcp-session-id": sessionId,
      "mcp-protocol-version": "2025-06-18",
      accept: "text/event-stream",
    });
    const stream = await rawRequest(srv.handle.url, { method: "GET", headers });
    expect(stream.status).toBe(404);
    // A JSON-RPC response (as to an elicitation asking alice to confirm a delete) and a cancellation, posted as mallory.
    for (const message of [
      { jsonrpc: "2.0", id: 0, result: { action: "accept", content: { confirm: true } } },
      { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1, reason: "mallory" } },
    ]) {
      const res = await rawRequest(srv.handle.url, {
        method: "POST",
        headers: { ...headers, accept: "application/json, text/event-stream" },
        body: JSON.stringify(message),
      });
      expect(res.status).toBe(404);
    }
    // alice's session is untouched and still hers.
    const still = await alice.call("resources_get", { cluster: cluster.name, ...ref() });
    expect(still.isError, resultText(still)).toBeFalsy();
    expect(await canaryVersion(admin, rbac.namespace, CANARY)).toBe(version);
  });
});
