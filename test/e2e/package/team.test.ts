// The INSTALLED package as a team server: two replicas with [oauth], cluster_auth = "impersonate" and
// http_legacy = "stateless" behind a round-robin proxy, a real OpenID provider (test/harness/oidc.ts) and real
// clusters with RBAC. Replicas share nothing: each validates any token on its own, and a whole session in either
// protocol era is served with every request on the other replica, each as the user its token names.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type ApiTarget, apiRequest } from "../../harness/https.js";
import type { OidcProvider } from "../../harness/oidc.js";
import { statusOf } from "../../helpers/cluster-api.js";
import { type RunningHttpCli, startHttpCli } from "../../helpers/http-cli.js";
import { installedPackage, userEnv } from "../../helpers/installed-package.js";
import { resultText } from "../../helpers/mcp.js";
import { type RoundRobinProxy, roundRobin } from "../../helpers/round-robin.js";
import { INITIALIZE_BODY, mcpHeaders, rawRequest } from "../../integration/http/helpers.js";
import {
  AUDIENCE,
  canaryVersion,
  createCanary,
  forge,
  PREFIX,
  setupTeamRbac,
  startTeamProvider,
  type TeamRbac,
} from "../../integration/team/helpers.js";

const cp = inject("controlplane");
const [cluster, other] = cp.clusters;
if (!cluster || !other) throw new Error("the control plane needs two clusters");
const c0 = cluster;
const c1 = other;
const admin: ApiTarget = { server: cluster.server, ca: cluster.ca, token: cluster.adminToken };
const CANARY = "replica-canary";

describe("installed package: two replicas with [oauth] behind a round-robin proxy", () => {
  let idp: OidcProvider;
  let rbac: TeamRbac;
  let version: string;
  const replicas: RunningHttpCli[] = [];
  let proxy: RoundRobinProxy;

  beforeAll(async () => {
    const pkg = await installedPackage(cp.root);
    idp = await startTeamProvider();
    rbac = await setupTeamRbac(admin);
    version = await createCanary(admin, rbac.namespace, CANARY);
    const config = join(cp.root, `team-${rbac.namespace}.toml`);
    await writeFile(
      config,
      [
        `kubeconfig_dir = ${JSON.stringify(cp.kubeconfigDir)}`,
        'cluster_auth = "impersonate"',
        'http_legacy = "stateless"',
        `confirm_clusters = [${JSON.stringify(cluster.name)}]`,
        "[oauth]",
        `issuer = ${JSON.stringify(idp.issuer)}`,
        `audience = ${JSON.stringify(AUDIENCE)}`,
        `ca_file = ${JSON.stringify(idp.caFile)}`,
        `username_prefix = ${JSON.stringify(PREFIX)}`,
        "",
      ].join("\n"),
    );
    for (let i = 0; i < 2; i++)
      replicas.push(await startHttpCli(pkg.bin, ["--config", config, "--port", "0"], userEnv()));
    proxy = await roundRobin(replicas.map((r) => new URL(r.url)));
  }, 300_000);
  afterAll(async () => {
    await proxy?.close();
    for (const r of replicas) if (r.child.exitCode === null) r.child.kill("SIGKILL");
    await idp?.close();
    await rbac?.cleanup();
  });

  const host = () => new URL(proxy.url).host;
  const manifest = (name: string, namespace: string) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ndata:\n  by: mcp\n`;

  it("any replica validates any token on its own: every request through the proxy is judged the same", async () => {
    const alice = await idp.token("alice");
    const forged = await forge(idp, { exp: Math.floor(Date.now() / 1000) - 300 });
    const before = [...proxy.served];
    for (let i = 0; i < 6; i++) {
      const ok = await rawRequest(proxy.url, {
        method: "POST",
        headers: mcpHeaders({ host: host(), authorization: `Bearer ${alice}` }),
        body: INITIALIZE_BODY,
      });
      expect(ok.status).toBe(200);
      const bad = await rawRequest(proxy.url, {
        method: "POST",
        headers: mcpHeaders({ host: host(), authorization: `Bearer ${forged}` }),
        body: INITIALIZE_BODY,
      });
      expect(bad.status).toBe(401);
      expect(bad.headers["www-authenticate"]).toMatch(/resource_metadata=.*error="invalid_token"/);
      const meta = await rawRequest(proxy.url, {
        path: "/.well-known/oauth-protected-resource/mcp",
        headers: { host: host() },
      });
      expect({ status: meta.status, body: meta.body }).toMatchObject({ status: 200 });
      expect(JSON.parse(meta.body)).toMatchObject({
        resource: AUDIENCE,
        authorization_servers: [idp.issuer],
      });
    }
    // Both replicas answered (18 requests, alternating).
    expect(proxy.served.map((n, i) => n - (before[i] ?? 0))).toEqual([9, 9]);
  });

  // A whole MCP session through the proxy, in each protocol era: the 2026-07-28 era is stateless by design, the
  // 2025 era because the replicas run with http_legacy = "stateless". Alice works; mallory's calls are interleaved
  // on the same replicas, so every request is judged by its own token and nothing else.
  describe.each([
    { era: "2026-07-28", mode: { pin: "2026-07-28" } as const },
    { era: "2025-11-25", mode: "legacy" as const },
  ])("a whole session in protocol $era, every request on the other replica", ({ era, mode }) => {
    const tag = era.slice(0, 4);
    const asked: string[] = [];
    const userOf = new Map<string | undefined, string>();
    async function connect(user: string): Promise<Client> {
      const authorization = `Bearer ${await idp.token(user)}`;
      userOf.set(authorization, user);
      const transport = new StreamableHTTPClientTransport(new URL(proxy.url), {
        requestInit: { headers: { authorization } },
      });
      const client = new Client(
        { name: `team-e2e-${user}`, version: "1.0.0" },
        { versionNegotiation: { mode }, capabilities: { elicitation: {} } },
      );
      client.setRequestHandler("elicitation/create", async (req) => {
        asked.push(String((req.params as { message?: string }).message));
        return { action: "accept", content: { confirm: true } };
      });
      await client.connect(transport);
      expect(client.getNegotiatedProtocolVersion()).toBe(era);
      expect(transport.sessionId).toBeUndefined();
      return client;
    }
    const call = async (client: Client, name: string, args: Record<string, unknown>) =>
      (await client.callTool({ name, arguments: args })) as CallToolResult;

    it("initialize, tools/list and tool calls (a fan-out, a confirmed write) as the token's user", async () => {
      const first = proxy.log.length;
      const alice = await connect("alice");
      const mallory = await connect("mallory");
      const names = (await alice.listTools()).tools.map((t) => t.name);
      expect(names).toContain("clusters_exec_all");
      expect(names).not.toContain("clusters_switch"); // no session: `cluster` decides
      const target = { cluster: c0.name, apiVersion: "v1", kind: "ConfigMap", namespace: rbac.namespace };

      const read = await call(alice, "resources_get", { ...target, name: CANARY });
      expect(read.isError, resultText(read)).toBeFalsy();
      expect(resultText(read)).toContain("team-a");
      // Fan-out: each leg acts as alice (her team namespace exists only on the first cluster).
      const legs = await call(alice, "clusters_exec_all", {
        operation: "resources_list",
        parameters: { apiVersion: "v1", kind: "ConfigMap", namespace: rbac.namespace },
        clusters: [c0.name, c1.name],
      });
      const results = (legs.structuredContent as { results: { cluster: string; status: string }[] }).results;
      expect(results.map((l) => [l.cluster, l.status]).sort()).toEqual(
        [
          [c0.name, "ok"],
          [c1.name, "error"],
        ].sort(),
      );
      expect(resultText(legs)).toContain(CANARY);
      expect(resultText(legs)).toMatch(/User "oidc:alice" cannot list/);
      const stolen = await call(mallory, "resources_get", { ...target, name: CANARY });
      expect(resultText(stolen)).toMatch(/User "oidc:mallory" cannot get/);

      // A write on a confirm_clusters cluster: 2026-07-28 asks through an input request (the retry carrying the
      // answer reaches the other replica); 2025 stateless cannot ask, so it refuses until confirm: true.
      const name = `by-alice-${tag}`;
      const write = { cluster: c0.name, resource: manifest(name, rbac.namespace) };
      const before = asked.length;
      if (era === "2026-07-28") {
        const done = await call(alice, "resources_create_or_update", write);
        expect(done.isError, resultText(done)).toBeFalsy();
        expect(asked.slice(before)).toEqual([expect.stringMatching(/resources_create_or_update on cluster/)]);
      } else {
        const refused = await call(alice, "resources_create_or_update", write);
        expect(resultText(refused)).toMatch(/needs confirmation .* not confirmed/);
        expect(await statusOf(cluster, `/api/v1/namespaces/${rbac.namespace}/configmaps/${name}`)).toBe(404);
        const done = await call(alice, "resources_create_or_update", { ...write, confirm: true });
        expect(done.isError, resultText(done)).toBeFalsy();
      }
      const written = (
        await apiRequest(admin, "GET", `/api/v1/namespaces/${rbac.namespace}/configmaps/${name}`)
      ).json<{ metadata: { managedFields: { manager: string }[] } }>();
      // The field manager names the token's user (":" is not allowed there), whatever replica wrote it.
      expect(written.metadata.managedFields.map((f) => f.manager)).toEqual([
        expect.stringMatching(/^k8s-mcp\/.+\/oidc-alice$/),
      ]);
      // Mallory, confirmed and with every scope, is still herself: refused by RBAC, the canary unchanged.
      const denied = await call(mallory, "resources_delete", { ...target, name: CANARY, confirm: true });
      expect(resultText(denied)).toMatch(/User "oidc:mallory" cannot delete/);
      expect(await canaryVersion(admin, rbac.namespace, CANARY)).toBe(version);
      await alice.close();
      await mallory.close();

      // Every request of the session alternated between the replicas, and none was refused for lack of state.
      const session = proxy.log.slice(first);
      expect(session.map((r) => r.replica)).toEqual(session.map((_, i) => (first + i) % 2));
      expect(session.filter((r) => r.status === 404 || r.status >= 500)).toEqual([]);
      const rpcOn = (replica: number) => session.filter((r) => r.replica === replica).flatMap((r) => r.rpc);
      for (const replica of [0, 1]) expect(rpcOn(replica)).toContain("tools/call");
      // Alice's own calls reached both replicas (her read and her fan-out went out back to back).
      const aliceOn = session.filter(
        (r) => r.rpc.includes("tools/call") && userOf.get(r.authorization) === "alice",
      );
      expect(new Set(aliceOn.map((r) => r.replica))).toEqual(new Set([0, 1]));
      // The write took two requests (asked or refused, then answered or confirmed), one on each replica.
      const writes = aliceOn.filter((r) => r.tools.includes("resources_create_or_update"));
      expect(writes.map((r) => r.replica).sort()).toEqual([0, 1]);
      const methods = session.flatMap((r) => r.rpc);
      expect(methods).toContain("tools/list");
      if (era === "2025-11-25") expect(methods).toContain("initialize");
      // Both replicas name alice (impersonated) in their audit lines for this era's write.
      for (const r of replicas) expect(r.stderr()).toMatch(/tool call.*user=oidc:alice/);
    });
  });

  it("wrote nothing on stdout and exits 0 on SIGTERM", async () => {
    for (const r of replicas) {
      r.child.kill("SIGTERM");
      expect(await r.exit).toBe(0);
      expect(r.stdout()).toBe("");
    }
  });
});
