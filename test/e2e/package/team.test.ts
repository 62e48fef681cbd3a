// The INSTALLED package as a team server: two replicas with [oauth] and cluster_auth = "impersonate" behind a
// round-robin proxy, a real OpenID provider (test/harness/oidc.ts) and real clusters with RBAC. Replicas share
// nothing: each validates any token on its own, and each serves its callers as themselves.
import { writeFile } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ApiTarget } from "../../harness/https.js";
import type { OidcProvider } from "../../harness/oidc.js";
import { type RunningHttpCli, startHttpCli } from "../../helpers/http-cli.js";
import { installedPackage, userEnv } from "../../helpers/installed-package.js";
import { resultText } from "../../helpers/mcp.js";
import { connectClient, INITIALIZE_BODY, mcpHeaders, rawRequest } from "../../integration/http/helpers.js";
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
const cluster = cp.clusters[0];
if (!cluster) throw new Error("the control plane has no cluster");
const admin: ApiTarget = { server: cluster.server, ca: cluster.ca, token: cluster.adminToken };
const CANARY = "replica-canary";

/** A round-robin HTTP proxy: request i goes to upstream i mod n (no stickiness of any kind). */
async function roundRobin(
  upstreams: URL[],
): Promise<{ url: string; served: number[]; close: () => Promise<void> }> {
  const served = upstreams.map(() => 0);
  let next = 0;
  const server: Server = createServer((req, res) => {
    const i = next++ % upstreams.length;
    const up = upstreams[i] as URL;
    served[i] = (served[i] ?? 0) + 1;
    const fwd = request(
      {
        host: up.hostname,
        port: up.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: up.host },
        // A new upstream connection per request: nothing ties a client to a replica.
        agent: false,
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    fwd.on("error", () => res.destroy());
    req.pipe(fwd);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    served,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe("installed package: two replicas with [oauth] behind a round-robin proxy", () => {
  let idp: OidcProvider;
  let rbac: TeamRbac;
  let version: string;
  const replicas: RunningHttpCli[] = [];
  let proxy: Awaited<ReturnType<typeof roundRobin>>;

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

  it("each replica serves its callers as themselves (impersonation), and the canary is unchanged", async () => {
    const [a, b] = replicas;
    if (!a || !b) throw new Error("two replicas expected");
    const alice = await connectClient(a.url, await idp.token("alice"));
    const mallory = await connectClient(b.url, await idp.token("mallory"));
    const target = {
      cluster: cluster.name,
      apiVersion: "v1",
      kind: "ConfigMap",
      namespace: rbac.namespace,
      name: CANARY,
    };
    const read = await alice.call("resources_get", target);
    expect(read.isError, resultText(read)).toBeFalsy();
    const denied = await mallory.call("resources_delete", target);
    expect(resultText(denied)).toMatch(/oidc:mallory/);
    await alice.client.close();
    await mallory.client.close();
    expect(await canaryVersion(admin, rbac.namespace, CANARY)).toBe(version);
    expect(a.stderr()).toMatch(/user=oidc:alice.*as=impersonate|as=impersonate.*user=oidc:alice/);
  });

  it("wrote nothing on stdout and exits 0 on SIGTERM", async () => {
    for (const r of replicas) {
      r.child.kill("SIGTERM");
      expect(await r.exit).toBe(0);
      expect(r.stdout()).toBe("");
    }
  });
});
