// Hostile users of the shared team server fishing for secrets: Secret values and Helm values through every read
// path (tools, fan-out, resources, completion), the server's own kubeconfig credentials, and tokens in errors, logs
// and audit. bob may read everything (k8s-mcp:viewers), mallory nothing; neither ever sees a value, and nothing
// changes on the cluster.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { encodeRecord } from "../../../src/helm/record.js";
import { OBJECT_URI } from "../../../src/mcp/resources.js";
import type { ApiTarget } from "../../harness/https.js";
import { apiRequest } from "../../harness/https.js";
import type { OidcProvider } from "../../harness/oidc.js";
import { resultText } from "../../helpers/mcp.js";
import type { HttpTestServer, TestClient } from "../http/helpers.js";
import {
  canaryVersion,
  createCanary,
  setupTeamRbac,
  startTeamProvider,
  startTeamServer,
  type TeamRbac,
} from "./helpers.js";

const cp = inject("controlplane");
const cluster = cp.clusters[0];
if (!cluster) throw new Error("the control plane has no cluster");
const admin: ApiTarget = { server: cluster.server, ca: cluster.ca, token: cluster.adminToken };
const CANARY = "hostile-leak-canary";
const SECRET_VALUE = `s3cr3t-${randomBytes(6).toString("hex")}`;
const HELM_VALUE = `helmpw-${randomBytes(6).toString("hex")}`;

describe("hostile leaks: secrets, credentials and tokens through the team server", () => {
  let idp: OidcProvider;
  let srv: HttpTestServer;
  let rbac: TeamRbac;
  let auditFile: string;
  let before: { canary: string | undefined; secret: string };
  const tokens: Record<string, string> = {};
  const clients: Record<string, TestClient> = {};
  const seen: string[] = [];
  const keep = (r: CallToolResult): CallToolResult => {
    seen.push(resultText(r), JSON.stringify(r.structuredContent ?? {}));
    return r;
  };
  const secretVersion = async () =>
    (await apiRequest(admin, "GET", `/api/v1/namespaces/${rbac.namespace}/secrets/db-creds`)).json<{
      metadata: { resourceVersion: string };
    }>().metadata.resourceVersion;

  beforeAll(async () => {
    idp = await startTeamProvider();
    rbac = await setupTeamRbac(admin);
    const ns = rbac.namespace;
    await createCanary(admin, ns, CANARY);
    const secret = await apiRequest(admin, "POST", `/api/v1/namespaces/${ns}/secrets`, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "db-creds", annotations: { note: "plain" } },
      stringData: { password: SECRET_VALUE },
    });
    expect(secret.status).toBe(201);
    const record = await apiRequest(admin, "POST", `/api/v1/namespaces/${ns}/secrets`, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: "sh.helm.release.v1.db.v1",
        labels: { owner: "helm", name: "db", version: "1", status: "deployed" },
      },
      type: "helm.sh/release.v1",
      data: {
        release: encodeRecord(
          {
            name: "db",
            namespace: ns,
            version: 1,
            info: { status: "deployed", last_deployed: "2026-01-01T00:00:00Z", notes: "" },
            chart: { metadata: { name: "db", version: "1.0.0" }, values: { size: "small" } },
            config: { auth: { password: HELM_VALUE } },
            manifest: "",
          },
          "secret",
          { gzip: true },
        ),
      },
    });
    expect(record.status).toBe(201);
    auditFile = join(await mkdtemp(join(tmpdir(), "k8s-mcp-hostile-")), "audit.jsonl");
    srv = await startTeamServer(idp, {
      kubeconfig_dir: cp.kubeconfigDir,
      cluster_auth: "impersonate",
      audit_log: auditFile,
    });
    for (const user of ["bob", "mallory"]) {
      tokens[user] = await idp.token(user);
      clients[user] = await srv.connect(tokens[user]);
    }
    before = { canary: await canaryVersion(admin, ns, CANARY), secret: await secretVersion() };
  });
  afterAll(async () => {
    await srv?.close();
    await idp?.close();
    await rbac?.cleanup();
  });

  const secretRef = () => ({ apiVersion: "v1", kind: "Secret", namespace: rbac.namespace, name: "db-creds" });

  it("a reader of every Secret (bob) sees names and keys, never a value, through every read path", async () => {
    const bob = clients.bob as TestClient;
    const c = cluster.name;
    const get = keep(await bob.call("resources_get", { cluster: c, ...secretRef() }));
    expect(get.isError, resultText(get)).toBeFalsy();
    // Precondition: the read really reached the Secret (its key is named), so only redaction hides the value.
    expect(resultText(get)).toContain("password");
    const { name: _n, ...inNs } = secretRef();
    keep(await bob.call("resources_list", { cluster: c, ...inNs }));
    keep(await bob.call("resources_list", { cluster: c, ...inNs, output: "yaml" }));
    keep(
      await bob.call("clusters_exec_all", {
        operation: "resources_get",
        parameters: secretRef(),
        clusters: [c],
      }),
    );
    const read = await bob.client.readResource({
      uri: `k8s://${c}/v1/Secret/${rbac.namespace}/db-creds`,
    });
    seen.push(JSON.stringify(read));
    const helm = keep(await bob.call("helm_get", { cluster: c, name: "db", namespace: rbac.namespace }));
    expect(helm.isError, resultText(helm)).toBeFalsy();
    expect(JSON.stringify(helm.structuredContent)).toContain("password");
    keep(
      await bob.call("resources_get", {
        cluster: c,
        ...secretRef(),
        name: "sh.helm.release.v1.db.v1",
      }),
    );
    const all = seen.join("\n");
    expect(all).not.toContain(SECRET_VALUE);
    expect(all).not.toContain(Buffer.from(SECRET_VALUE).toString("base64"));
    expect(all).not.toContain(HELM_VALUE);
  });

  it("a user without RBAC (mallory) gets refusals that carry no value, and completion offers her nothing", async () => {
    const mallory = clients.mallory as TestClient;
    const c = cluster.name;
    for (const [tool, args] of [
      ["resources_get", { cluster: c, ...secretRef() }],
      ["helm_get", { cluster: c, name: "db", namespace: rbac.namespace }],
      ["helm_list", { cluster: c, namespace: rbac.namespace }],
    ] as const) {
      const r = keep(await mallory.call(tool, args));
      expect({ tool, isError: r.isError }).toEqual({ tool, isError: true });
      expect(resultText(r)).toMatch(/oidc:mallory/);
    }
    // bob warms whatever completion might cache first; mallory must still see nothing of the namespace.
    const complete = (who: TestClient, name: string, args: Record<string, string>) =>
      who.client.complete({
        ref: { type: "ref/resource", uri: OBJECT_URI },
        argument: { name, value: "" },
        context: { arguments: { cluster: c, apiVersion: "v1", ...args } },
      });
    const ns = { kind: "Secret", namespace: rbac.namespace };
    expect((await complete(clients.bob as TestClient, "name", ns)).completion.values).toContain("db-creds");
    expect((await complete(clients.bob as TestClient, "namespace", {})).completion.values).toContain(
      rbac.namespace,
    );
    expect((await complete(mallory, "name", ns)).completion.values).toEqual([]);
    expect((await complete(mallory, "namespace", {})).completion.values).toEqual([]);
    expect(seen.join("\n")).not.toContain(SECRET_VALUE);
    expect(seen.join("\n")).not.toContain(HELM_VALUE);
  });

  it("the server's own kubeconfig credentials never reach a user (configuration_view, clusters_status)", async () => {
    const mallory = clients.mallory as TestClient;
    const out = [
      keep(await mallory.call("configuration_view", {})),
      keep(await mallory.call("configuration_view", { minified: false })),
      keep(await mallory.call("clusters_status", {})),
      keep(await mallory.call("clusters_list", {})),
    ];
    expect(out.some((r) => !r.isError)).toBe(true);
    const text = seen.join("\n");
    for (const c of cp.clusters) expect(text).not.toContain(c.adminToken);
  });

  it("no token, Secret value, Helm value or kubeconfig credential is in any log line or audit record", async () => {
    const audit = existsSync(auditFile) ? await readFile(auditFile, "utf8") : "";
    // Precondition: the calls above were audited under their users.
    expect(audit).toContain("oidc:bob");
    const all = [...srv.logs, audit].join("\n");
    for (const token of Object.values(tokens))
      for (const part of token.split(".")) expect(all).not.toContain(part.slice(0, 24));
    expect(all).not.toContain(SECRET_VALUE);
    expect(all).not.toContain(HELM_VALUE);
    for (const c of cp.clusters) expect(all).not.toContain(c.adminToken);
    // And nothing was changed on the cluster by any of it.
    expect({
      canary: await canaryVersion(admin, rbac.namespace, CANARY),
      secret: await secretVersion(),
    }).toEqual(before);
  });
});
