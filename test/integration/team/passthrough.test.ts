// cluster_auth = "passthrough" against a real apiserver that trusts the test IdP (structured authentication
// configuration), in a fleet that mixes it with clusters that do not trust the IdP: the caller's own token goes to
// the apiserver and the server's credential never does; per-cluster lists pick the mode.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { ensureBinaries } from "../../harness/binaries.js";
import { type ControlPlane, startControlPlane } from "../../harness/controlplane.js";
import type { ApiTarget } from "../../harness/https.js";
import type { OidcProvider } from "../../harness/oidc.js";
import { resultText } from "../../helpers/mcp.js";
import { type HttpTestServer, structured, type TestClient } from "../http/helpers.js";
import {
  AUDIENCE,
  canaryVersion,
  createCanary,
  PREFIX,
  setupTeamRbac,
  startTeamProvider,
  startTeamServer,
  type TeamRbac,
} from "./helpers.js";

const cp = inject("controlplane");
const [other, impersonated] = cp.clusters;
if (!other || !impersonated) throw new Error("the control plane needs two clusters");
const CANARY = "passthrough-canary";

// The apiserver's own JWT authenticator: same issuer and audience as the MCP server, the same user prefix.
function authenticationConfig(idp: OidcProvider): string {
  const ca = idp.ca
    .trim()
    .split("\n")
    .map((l) => `      ${l}`)
    .join("\n");
  return `apiVersion: apiserver.config.k8s.io/v1
kind: AuthenticationConfiguration
jwt:
- issuer:
    url: ${idp.issuer}
    audiences: ["${AUDIENCE}"]
    certificateAuthority: |
${ca}
  claimMappings:
    username:
      claim: sub
      prefix: "${PREFIX}"
    groups:
      claim: groups
      prefix: ""
`;
}

describe("cluster_auth = \"passthrough\": the caller's own token, never the server's credential", () => {
  let idp: OidcProvider;
  let plane: ControlPlane;
  let srv: HttpTestServer;
  let rbac: TeamRbac;
  let admin: ApiTarget;
  let version: string;
  let dir: string;
  let trusting: string;
  const clients: Record<string, TestClient> = {};

  beforeAll(async () => {
    idp = await startTeamProvider();
    dir = await mkdtemp(join(tmpdir(), "k8s-mcp-passthrough-"));
    const authFile = join(dir, "authentication.yaml");
    await writeFile(authFile, authenticationConfig(idp));
    plane = await startControlPlane(await ensureBinaries(), ["oidc-1"], {
      apiserverArgs: [`--authentication-config=${authFile}`],
    });
    const c = plane.info.clusters[0];
    if (!c) throw new Error("no oidc cluster");
    trusting = c.name;
    admin = { server: c.server, ca: c.ca, token: c.adminToken };
    rbac = await setupTeamRbac(admin);
    version = await createCanary(admin, rbac.namespace, CANARY);
    const kubeconfigs = join(dir, "kubeconfigs");
    await mkdir(kubeconfigs);
    for (const k of [c.kubeconfig, other.kubeconfig, impersonated.kubeconfig])
      await copyFile(k, join(kubeconfigs, k.split("/").pop() as string));
    srv = await startTeamServer(idp, {
      kubeconfig_dir: kubeconfigs,
      cluster_auth: "passthrough",
      cluster_auth_clusters: { impersonate: [impersonated.name] },
    });
    for (const user of ["alice", "mallory"]) clients[user] = await srv.connect(await idp.token(user));
    // The apiserver loads the issuer's keys in the background after start: wait until it accepts alice.
    await vi.waitFor(
      async () => {
        const r = await clients.alice?.call("resources_list", {
          cluster: trusting,
          apiVersion: "v1",
          kind: "ConfigMap",
          namespace: rbac.namespace,
        });
        if (r?.isError) throw new Error(resultText(r));
      },
      { timeout: 60_000, interval: 500 },
    );
  });
  afterAll(async () => {
    await srv?.close();
    await plane?.stop();
    await idp?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const cm = (name: string, namespace = rbac.namespace) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    namespace,
    name,
  });
  const manifest = (name: string, namespace: string) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n`;

  it("alice acts with her own token: her RBAC, her name in the apiserver's answer", async () => {
    const ok = await clients.alice?.call("resources_create_or_update", {
      cluster: trusting,
      resource: manifest("by-alice", rbac.namespace),
    });
    expect(ok?.isError, ok && resultText(ok)).toBeFalsy();
    const denied = await clients.alice?.call("resources_create_or_update", {
      cluster: trusting,
      resource: manifest("by-alice", "default"),
    });
    expect(denied && resultText(denied)).toMatch(/User "oidc:alice" cannot patch/);
    // The hint speaks of her own token, not of the kubeconfig's identity.
    expect(denied && resultText(denied)).toContain(
      "Try: the API server judged this by your own token (user 'oidc:alice' here;",
    );
    expect(denied && resultText(denied)).not.toContain("kubeconfig's identity");
  });

  it("mallory's delete is refused by the apiserver; the canary is unchanged", async () => {
    const r = await clients.mallory?.call("resources_delete", { cluster: trusting, ...cm(CANARY) });
    expect(r && resultText(r)).toMatch(/oidc:mallory/);
    expect(await canaryVersion(admin, rbac.namespace, CANARY)).toBe(version);
  });

  it("a cluster that does not trust the issuer answers 401: the server's admin credential is never used", async () => {
    const r = await clients.alice?.call("namespaces_list", { cluster: other.name });
    expect(r?.isError).toBe(true);
    expect(r && resultText(r)).toMatch(/401|nauthorized/);
    expect(r && resultText(r)).toContain(
      "Try: this cluster rejected your own token (user 'oidc:alice'; cluster_auth = \"passthrough\")",
    );
    expect(r && resultText(r)).not.toContain("kubeconfig's credentials");
    const status = await clients.alice?.call("clusters_status", { clusters: [trusting, other.name] });
    const rows =
      (status &&
        (structured(status).clusters as {
          name?: string;
          cluster?: string;
          ok?: boolean;
          status?: string;
        }[])) ??
      [];
    const text = status ? resultText(status) : "";
    expect(rows.length, text).toBe(2);
    expect(text).toMatch(/401|nauthorized/);
    expect(text).toContain("the caller's own token (user 'oidc:alice') was rejected");
  });

  it("per-cluster lists: the impersonate cluster acts as oidc:alice with the server's credential", async () => {
    const r = await clients.alice?.call("resources_create_or_update", {
      cluster: impersonated.name,
      resource: manifest("by-alice", "default"),
    });
    expect(r && resultText(r)).toMatch(/User "oidc:alice" cannot patch/);
    const lines = srv.logs.filter((l) => l.includes("tool call") && l.includes("user=oidc:alice"));
    expect(lines.some((l) => l.includes("as=passthrough") && l.includes(`cluster=${trusting}`))).toBe(true);
    expect(
      lines.some((l) => l.includes("as=impersonate") && l.includes(`cluster=${impersonated.name}`)),
    ).toBe(true);
  });
});
