// Fleet hygiene against REAL apiservers: health told apart from permission (SelfSubjectReview), credential expiry
// from real TokenRequest JWTs, client certificates and an exec plugin, and compare/status answers at 200 clusters.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { stringify } from "yaml";
import { apiRequest } from "../harness/https.js";
import { freePort } from "../harness/ports.js";
import { makeClientCertificate, mintNamespacedViewerToken, writeExecPlugin } from "../helpers/credentials.js";
import { writeKubeconfig } from "../helpers/fleet.js";
import { resultText, startTestServer, type TestServer } from "../helpers/mcp.js";

const cp = inject("controlplane");
const [sv5, lax1, dfw1] = cp.clusters;
const H = 3_600_000;

interface Credentials {
  expiresAt: string;
  source: string;
  text: string;
  warning: boolean;
}
interface Row {
  cluster: string;
  status: string;
  user?: string;
  note?: string;
  detail?: string;
  credentials?: Credentials;
}

function kubeconfigWithUser(name: string, server: string, ca: string, user: Record<string, unknown>): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name, cluster: { server, "certificate-authority-data": Buffer.from(ca).toString("base64") } },
    ],
    users: [{ name: `${name}-user`, user }],
    contexts: [{ name, context: { cluster: name, user: `${name}-user` } }],
    "current-context": name,
  });
}

describe("clusters_status and clusters_list: health, identity and credential expiry", () => {
  let dir: string;
  let ts: TestServer;
  let saToken: string;
  let certPem: string;
  const execExpiry = new Date(Date.now() + 2 * H);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "k8s-mcp-hygiene-"));
    const admin = { server: lax1!.server, ca: lax1!.ca, token: lax1!.adminToken };
    // A real JWT signed by the apiserver's service-account key, valid for one hour.
    saToken = await mintNamespacedViewerToken(admin, "team-a", "reader", 3600);
    await writeKubeconfig(
      join(dir, "least.yaml"),
      "least",
      lax1!.server,
      saToken,
      Buffer.from(lax1!.ca).toString("base64"),
    );
    await writeKubeconfig(
      join(dir, "admin.yaml"),
      "admin",
      sv5!.server,
      sv5!.adminToken,
      Buffer.from(sv5!.ca).toString("base64"),
    );
    const cert = await makeClientCertificate(1);
    certPem = cert.cert;
    await writeFile(
      join(dir, "certuser.yaml"),
      kubeconfigWithUser("certuser", dfw1!.server, dfw1!.ca, {
        "client-certificate-data": Buffer.from(cert.cert).toString("base64"),
        "client-key-data": Buffer.from(cert.key).toString("base64"),
      }),
      { mode: 0o600 },
    );
    const plugin = await writeExecPlugin(sv5!.adminToken, execExpiry);
    await writeFile(
      join(dir, "execuser.yaml"),
      kubeconfigWithUser("execuser", sv5!.server, sv5!.ca, {
        exec: { apiVersion: "client.authentication.k8s.io/v1", command: plugin, interactiveMode: "Never" },
      }),
      { mode: 0o600 },
    );
    ts = await startTestServer({ kubeconfig_dir: dir, auto_discovery: false });
  });
  afterAll(async () => {
    await ts?.close();
  });

  it("calls a namespace-scoped ServiceAccount ok, says who it is and what it cannot list, and when its token expires", async () => {
    const res = await ts.call("clusters_status", { timeout_seconds: 20 });
    expect(res.isError).toBeFalsy();
    const rows = (res.structuredContent as { clusters: Row[] }).clusters;
    const by = Object.fromEntries(rows.map((r) => [r.cluster, r]));
    expect(by.least).toMatchObject({ status: "ok", user: "system:serviceaccount:team-a:reader" });
    expect(by.least?.note).toMatch(/cannot list namespaces/);
    expect(by.least?.credentials).toMatchObject({ source: "token", warning: true });
    expect(by.least?.credentials?.text).toMatch(/^token expires in (59m|1h)/);
    const exp = Date.parse(by.least?.credentials?.expiresAt ?? "");
    expect(Math.abs(exp - (Date.now() + H))).toBeLessThan(5 * 60_000);
    // The admin identity is ok without a note; the exec plugin's reported expiry is shown once it ran.
    expect(by.admin).toMatchObject({ status: "ok", user: "admin" });
    expect(by.admin?.note).toBeUndefined();
    expect(by.admin?.credentials).toBeUndefined();
    expect(by.execuser).toMatchObject({ status: "ok", user: "admin" });
    expect(by.execuser?.credentials).toMatchObject({
      source: "exec",
      expiresAt: execExpiry.toISOString(),
      warning: true,
    });
    // A client certificate the cluster does not trust: anonymous, so unauthorized; its NotAfter still shows.
    expect(by.certuser?.status).toBe("unauthorized");
    expect(by.certuser?.credentials).toMatchObject({ source: "client-certificate", warning: true });
    const text = resultText(res);
    expect(text).toMatch(/^3\/4 clusters ok/);
    expect(text).toMatch(
      /least .*ok .*token expires in .*as system:serviceaccount:team-a:reader; the identity cannot list namespaces/,
    );
    for (const secret of [
      saToken,
      sv5!.adminToken,
      saToken.split(".")[1] ?? "x",
      certPem.split("\n")[1] ?? "x",
    ])
      expect(JSON.stringify(res)).not.toContain(secret);
  });

  it("the namespace-scoped identity really works where it is allowed, and really is refused elsewhere", async () => {
    const inNs = await ts.call("resources_list", {
      cluster: "least",
      apiVersion: "v1",
      kind: "ServiceAccount",
      namespace: "team-a",
    });
    expect(inNs.isError).toBeFalsy();
    expect(resultText(inNs)).toContain("reader");
    const outside = await ts.call("resources_list", {
      cluster: "least",
      apiVersion: "v1",
      kind: "ServiceAccount",
      namespace: "default",
    });
    expect(outside.isError).toBe(true);
  });

  it("clusters_list {show_details} shows expiry from the files alone, with the warning threshold configurable", async () => {
    const res = await ts.call("clusters_list", { show_details: true });
    const rows = (res.structuredContent as { clusters: (Row & { name: string })[] }).clusters;
    const by = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(by.least?.credentials).toMatchObject({ source: "token", warning: true });
    expect(by.certuser?.credentials?.text).toMatch(/^client certificate expires in 23h/);
    expect(by.admin?.credentials).toBeUndefined();
    expect(resultText(res)).toMatch(
      /cluster\(s\) with credentials expiring within credential_warning \(24h\)/,
    );
    // A classic kubeconfig (contexts as clusters) carries its expiry the same way.
    const classic = await startTestServer({ kubeconfig: join(dir, "least.yaml") });
    try {
      const c = await classic.call("clusters_list", { show_details: true });
      const rowsC = (c.structuredContent as { clusters: (Row & { name: string })[] }).clusters;
      expect(rowsC.find((r) => r.name === "least")?.credentials).toMatchObject({
        source: "token",
        warning: true,
      });
    } finally {
      await classic.close();
    }
    const relaxed = await startTestServer({
      kubeconfig_dir: dir,
      auto_discovery: false,
      credential_warning: "30m",
    });
    try {
      const r2 = await relaxed.call("clusters_list", { show_details: true });
      const rows2 = (r2.structuredContent as { clusters: (Row & { name: string })[] }).clusters;
      expect(rows2.find((r) => r.name === "least")?.credentials?.warning).toBe(false);
      expect(resultText(r2)).not.toContain("expiring within credential_warning");
    } finally {
      await relaxed.close();
    }
  });
});

describe("compare and status over 200 clusters stay within max_output_bytes", () => {
  let dir: string;
  let ts: TestServer;
  const targets = [sv5!, lax1!, dfw1!];
  const cmPath = "/api/v1/namespaces/default/configmaps";

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "k8s-mcp-200-"));
    // The same ConfigMap everywhere, except that dfw1 holds another value and lax1 lacks it.
    for (const [c, value] of [
      [sv5!, "2"],
      [dfw1!, "5"],
    ] as const) {
      const t = { server: c.server, ca: c.ca, token: c.adminToken };
      await apiRequest(t, "DELETE", `${cmPath}/fleet-drift`);
      const r = await apiRequest(t, "POST", cmPath, {
        metadata: { name: "fleet-drift" },
        data: { replicas: value },
      });
      expect(r.status).toBe(201);
    }
    await apiRequest(
      { server: lax1!.server, ca: lax1!.ca, token: lax1!.adminToken },
      "DELETE",
      `${cmPath}/fleet-drift`,
    );
    // 190 clusters on sv5, 4 on dfw1 (outliers), 2 on lax1 (absent), 4 unreachable.
    const plan: Array<[number, (typeof targets)[number] | undefined]> = [
      [190, sv5],
      [4, dfw1],
      [2, lax1],
      [4, undefined],
    ];
    let n = 0;
    for (const [count, c] of plan) {
      for (let i = 0; i < count; i++, n++) {
        const name = `fleet-${String(n).padStart(3, "0")}`;
        const server = c ? c.server : `https://127.0.0.1:${await freePort()}`;
        const real = c ?? sv5!;
        await writeKubeconfig(
          join(dir, `${name}.yaml`),
          name,
          server,
          real.adminToken,
          Buffer.from(real.ca).toString("base64"),
        );
      }
    }
    ts = await startTestServer({ kubeconfig_dir: dir, auto_discovery: false });
  }, 120_000);
  afterAll(async () => {
    await ts?.close();
    for (const c of [sv5!, dfw1!])
      await apiRequest(
        { server: c.server, ca: c.ca, token: c.adminToken },
        "DELETE",
        `${cmPath}/fleet-drift`,
      );
  });

  it("clusters_compare answers as majority and outliers, and keeps every value in structuredContent", async () => {
    const res = await ts.call("clusters_compare", {
      apiVersion: "v1",
      kind: "ConfigMap",
      name: "fleet-drift",
      namespace: "default",
    });
    const text = resultText(res);
    const budget = ts.deps.config.max_output_bytes;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(budget);
    expect(text).toMatch(/fleet-drift: present on 194 clusters; absent on fleet-194, fleet-195/);
    expect(text).toMatch(
      /data\.replicas: "2" on 190 clusters; "5" on fleet-190, fleet-191, fleet-192, fleet-193/,
    );
    const s = res.structuredContent as {
      clusters: string[];
      differences: {
        name: string;
        missingOn: string[];
        diffs: { path: string; values: Record<string, unknown> }[];
      }[];
      errors: unknown[];
    };
    expect(s.clusters).toHaveLength(196);
    expect(s.errors).toHaveLength(4);
    const replicas = s.differences[0]?.diffs.find((d) => d.path === "data.replicas");
    expect(Object.keys(replicas?.values ?? {})).toHaveLength(194);
    expect(replicas?.values["fleet-000"]).toBe("2");
    expect(replicas?.values["fleet-193"]).toBe("5");
    console.log(`[measure] clusters_compare text at 200 clusters: ${Buffer.byteLength(text)} bytes`);
  }, 120_000);

  it("clusters_status gives counts by status, then only the clusters that are not ok", async () => {
    const res = await ts.call("clusters_status", { timeout_seconds: 60 });
    const text = resultText(res);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(ts.deps.config.max_output_bytes);
    expect(text).toMatch(/^196\/200 clusters ok \(checked in \d+ ms, timeout 60s\): ok 196, unreachable 4/);
    expect(text).toMatch(/versions: v1\.\S+ on 196 clusters/);
    const rows = text.split("\n").filter((l) => /^fleet-\d+/.test(l));
    expect(rows.map((l) => l.split(/\s+/)[0])).toEqual(["fleet-196", "fleet-197", "fleet-198", "fleet-199"]);
    expect((res.structuredContent as { clusters: Row[] }).clusters).toHaveLength(200);
    console.log(`[measure] clusters_status text at 200 clusters: ${Buffer.byteLength(text)} bytes`);
  }, 120_000);

  it("folds to a small budget and says what it folded", async () => {
    const small = await startTestServer({
      kubeconfig_dir: dir,
      auto_discovery: false,
      max_output_bytes: 600,
    });
    try {
      const res = await small.call("clusters_compare", {
        apiVersion: "v1",
        kind: "ConfigMap",
        namespace: "default",
      });
      const text = resultText(res);
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(600);
      expect(text).toMatch(
        /more line\(s\) folded to fit max_output_bytes; structuredContent has every cluster's value/,
      );
      const status = await small.call("clusters_status", { timeout_seconds: 60 });
      const statusText = resultText(status);
      expect(Buffer.byteLength(statusText)).toBeLessThanOrEqual(600);
      expect(statusText).toMatch(/^196\/200 clusters ok .*: ok 196, unreachable 4/);
      expect(statusText).toMatch(
        /\.\.\. \d+ more row\(s\) folded to fit max_output_bytes; structuredContent lists every cluster/,
      );
      expect((status.structuredContent as { clusters: Row[] }).clusters).toHaveLength(200);
    } finally {
      await small.close();
    }
  }, 120_000);
});
