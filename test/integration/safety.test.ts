// Safety: Secret redaction, read-only and disable-destructive modes, denied_resources, read_only_clusters,
// configuration_view hygiene, cancellation, concurrency and the tools/list contract.
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { apiRequest } from "../harness/https.js";
import { admin, create, freshNamespace, statusOf } from "../helpers/cluster-api.js";
import { startHangingServer, writeKubeconfig } from "../helpers/fleet.js";
import { resultText, startTestServer, type TestServer } from "../helpers/mcp.js";

const cp = inject("controlplane");
const [sv5, lax1, dfw1] = cp.clusters;
const SECRET_VALUE = "hunter2-very-secret-value";

function secretManifest(ns: string, name: string): string {
  return `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}, namespace: ${ns}}\nstringData:\n  password: ${SECRET_VALUE}\n`;
}

describe("Secret values never leave the server", () => {
  let ts: TestServer;
  let ns: string;
  beforeAll(async () => {
    ns = await freshNamespace(lax1!, "sec");
    await create(sv5!, "/api/v1/namespaces", { metadata: { name: ns } });
    ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, default_cluster: "c1-lax1" });
  });
  afterAll(async () => ts?.close());

  it("redacts Secret data in apply results, get, and YAML/table lists, and in logs and audit records", async () => {
    const outputs: string[] = [];
    const applied = await ts.call("resources_create_or_update", { resource: secretManifest(ns, "db") });
    expect(applied.isError).toBeFalsy();
    outputs.push(resultText(applied));
    const got = await ts.text("resources_get", {
      apiVersion: "v1",
      kind: "Secret",
      name: "db",
      namespace: ns,
    });
    expect(got).toMatch(/password: "?<redacted: 25 bytes>"?/);
    outputs.push(got, await ts.text("resources_list", { apiVersion: "v1", kind: "Secret", namespace: ns }));
    const yaml = await startTestServer({
      kubeconfig_dir: cp.kubeconfigDir,
      default_cluster: "c1-lax1",
      list_output: "yaml",
    });
    try {
      const list = await yaml.text("resources_list", { apiVersion: "v1", kind: "Secret", namespace: ns });
      expect(list).toContain("name: db");
      outputs.push(list, ...yaml.logs, JSON.stringify(yaml.records));
    } finally {
      await yaml.close();
    }
    outputs.push(...ts.logs, JSON.stringify(ts.records));
    const encoded = Buffer.from(SECRET_VALUE).toString("base64");
    for (const o of outputs) {
      expect(o).not.toContain(SECRET_VALUE);
      expect(o).not.toContain(encoded);
    }
    const recorded = ts.records.find((r) => r.tool === "resources_create_or_update")?.args.resource;
    expect(JSON.stringify(recorded)).toMatch(/"password":"<redacted>"/);
  });

  it("redacts Secrets compared across clusters, and Secret manifests with a quoted kind in audit records", async () => {
    const other = "hunter3-very-secret-value"; // same length: only a value-aware comparison can tell them apart
    const planted = await ts.call("resources_create_or_update", {
      cluster: "c1-sv5",
      resource: secretManifest(ns, "db").replace(SECRET_VALUE, other),
    });
    expect(planted.isError).toBeFalsy();
    const compare = () =>
      ts.call("clusters_compare", {
        apiVersion: "v1",
        kind: "Secret",
        namespace: ns,
        clusters: ["c1-lax1", "c1-sv5"],
      });
    const cmp = await compare();
    const all = resultText(cmp) + JSON.stringify(cmp.structuredContent);
    // The difference is reported through per-call keyed fingerprints, never the values.
    const line =
      /data\.password: "<redacted: 25 bytes, fingerprint ([0-9a-f]{12})>" on c1-lax1; "<redacted: 25 bytes, fingerprint ([0-9a-f]{12})>" on c1-sv5/.exec(
        resultText(cmp),
      );
    expect(line).not.toBeNull();
    expect(line?.[1]).not.toBe(line?.[2]);
    // Fingerprints are keyed per call: a second comparison cannot be matched against the first.
    expect(resultText(await compare())).not.toContain(String(line?.[1]));
    for (const v of [SECRET_VALUE, other]) {
      expect(all).not.toContain(v);
      expect(all).not.toContain(Buffer.from(v).toString("base64"));
    }
    const quoted = `apiVersion: v1\nkind: "Secret"\nmetadata: {name: quoted, namespace: ${ns}}\nstringData: {password: ${SECRET_VALUE}}\n`;
    await ts.call("resources_create_or_update", { resource: quoted });
    expect(JSON.stringify(ts.records)).not.toContain(SECRET_VALUE);
  });

  it("shows values only when allow_secret_values is set", async () => {
    const open = await startTestServer({
      kubeconfig_dir: cp.kubeconfigDir,
      default_cluster: "c1-lax1",
      allow_secret_values: true,
    });
    try {
      const got = await open.text("resources_get", {
        apiVersion: "v1",
        kind: "Secret",
        name: "db",
        namespace: ns,
      });
      expect(got).toContain(Buffer.from(SECRET_VALUE).toString("base64"));
    } finally {
      await open.close();
    }
  });

  it("never shows tokens or certificates in configuration_view", async () => {
    for (const minified of [true, false]) {
      const text = await ts.text("configuration_view", { minified });
      expect(text).toContain(lax1!.server);
      expect(text).toContain("token: <redacted>");
      expect(text).not.toContain(lax1!.adminToken);
      expect(text).not.toContain(Buffer.from(lax1!.ca).toString("base64").slice(0, 40));
    }
  });
});

describe("configuration_view on a classic kubeconfig", () => {
  it("shows only visible contexts and strips credentials from URLs", async () => {
    const { mkdtemp, writeFile } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const { stringify } = await import("yaml");
    const file = join(await mkdtemp(join(tmpdir(), "k8s-mcp-cv-")), "classic.yaml");
    const entry = (name: string, server: string, extra: Record<string, unknown> = {}) => ({
      cluster: { name, cluster: { server, ...extra } },
      user: { name, user: { token: `${name}-secret-token` } },
      context: { name, context: { cluster: name, user: name } },
    });
    const prod = entry("prod-a", "https://admin:prodpw@prod.internal:6443", {
      "proxy-url": "http://svc:P4ssw0rd@proxy.corp:3128",
    });
    const staging = entry("staging-1", "https://staging.internal:6443");
    await writeFile(
      file,
      stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [prod.cluster, staging.cluster],
        users: [prod.user, staging.user],
        contexts: [prod.context, staging.context],
        "current-context": "prod-a",
      }),
    );
    const ts = await startTestServer({ kubeconfig: file, cluster_pattern: "^prod-" });
    try {
      for (const minified of [true, false]) {
        const text = await ts.text("configuration_view", { cluster: "prod-a", minified });
        expect(text).toContain("https://<redacted>@prod.internal:6443");
        expect(text).toContain("http://<redacted>@proxy.corp:3128");
        for (const leak of ["prodpw", "P4ssw0rd", "secret-token", "staging"])
          expect(text).not.toContain(leak);
      }
    } finally {
      await ts.close();
    }
  });
});

describe("policy modes", () => {
  const names = async (ts: TestServer): Promise<string[]> =>
    (await ts.client.listTools()).tools.map((t) => t.name);

  it("read_only exposes only read-only tools (plus clusters_switch); writes are not callable", async () => {
    const ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, read_only: true });
    try {
      const tools = (await ts.client.listTools()).tools;
      const sw = tools.find((t) => t.name === "clusters_switch");
      expect(sw?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });
      for (const t of tools.filter((x) => x.name !== "clusters_switch")) {
        expect(t.annotations?.readOnlyHint, t.name).toBe(true);
      }
      const list = tools.map((t) => t.name);
      expect(list).toContain("clusters_switch");
      for (const w of [
        "resources_delete",
        "resources_create_or_update",
        "pods_delete",
        "pods_run",
        "pods_exec",
        "resources_scale",
      ]) {
        expect(list).not.toContain(w);
      }
      const res = await ts.call("resources_delete", {
        cluster: "c1-sv5",
        apiVersion: "v1",
        kind: "Namespace",
        name: "default",
      });
      expect(res.isError).toBe(true);
      expect(resultText(res)).toMatch(
        /^resources_delete is not available on this server: it is hidden by read_only/,
      );
      expect(await statusOf(sv5!, "/api/v1/namespaces/default")).toBe(200);
    } finally {
      await ts.close();
    }
  });

  it("disable_destructive hides destructive tools but keeps additive ones", async () => {
    const ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, disable_destructive: true });
    try {
      const list = await names(ts);
      expect(list).toContain("pods_run");
      expect(list).not.toContain("resources_delete");
      expect(list).not.toContain("pods_delete");
    } finally {
      await ts.close();
    }
  });

  it("denied_resources blocks a kind in every tool that touches it", async () => {
    const ts = await startTestServer({
      kubeconfig_dir: cp.kubeconfigDir,
      default_cluster: "c1-sv5",
      denied_resources: [{ kind: "Secret" }, { group: "apps", kind: "Deployment" }, { kind: "Pod" }],
    });
    // A Secret that exists, so the refused delete and update below have something they could have changed.
    const ns = await freshNamespace(sv5!, "denied");
    await create(sv5!, `/api/v1/namespaces/${ns}/secrets`, {
      metadata: { name: "x" },
      stringData: { keep: "original" },
    });
    const before = JSON.parse(
      (await apiRequest(admin(sv5!), "GET", `/api/v1/namespaces/${ns}/secrets/x`)).body,
    ) as { metadata: { resourceVersion: string } };
    try {
      const calls: [string, Record<string, unknown>][] = [
        ["resources_list", { apiVersion: "v1", kind: "Secret" }],
        ["resources_get", { apiVersion: "v1", kind: "Secret", name: "x", namespace: ns }],
        ["resources_get", { apiVersion: "v1", kind: "secret", name: "x", namespace: ns }],
        ["resources_list", { apiVersion: "apps/v1", kind: "deployment" }],
        ["resources_delete", { apiVersion: "v1", kind: "Secret", name: "x", namespace: ns }],
        ["resources_create_or_update", { resource: secretManifest(ns, "x") }],
        ["resources_scale", { apiVersion: "apps/v1", kind: "Deployment", name: "x", namespace: "default" }],
        ["pods_list", {}],
        ["pods_log", { name: "x" }],
        ["pods_exec", { name: "x", command: ["ls"] }],
      ];
      for (const [tool, args] of calls) {
        const res = await ts.call(tool, args);
        expect(res.isError, tool).toBe(true);
        expect(resultText(res), tool).toMatch(/denied by this server's configuration \(denied_resources\)/);
      }
      // Neither deleted nor changed: the same resourceVersion as before the refused calls.
      const after = await apiRequest(admin(sv5!), "GET", `/api/v1/namespaces/${ns}/secrets/x`);
      expect(after.status).toBe(200);
      expect((JSON.parse(after.body) as typeof before).metadata.resourceVersion).toBe(
        before.metadata.resourceVersion,
      );
      expect((await ts.call("resources_list", { apiVersion: "v1", kind: "ConfigMap" })).isError).toBeFalsy();
    } finally {
      await ts.close();
    }
  });

  it("read_only_clusters and exclude_clusters may name aliases", async () => {
    const ts = await startTestServer({
      kubeconfig_dir: cp.kubeconfigDir,
      cluster_aliases: { production: "c1-sv5", legacy: "c1-dfw1" },
      read_only_clusters: ["production"],
      exclude_clusters: ["legacy"],
    });
    try {
      const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: via-alias, namespace: default}";
      for (const cluster of ["production", "c1-sv5"]) {
        const res = await ts.call("resources_create_or_update", { cluster, resource: cm });
        expect(resultText(res), cluster).toMatch(/refused on cluster 'c1-sv5': it is configured read-only/);
      }
      const names = (
        (await ts.call("clusters_list", {})).structuredContent as { clusters: { name: string }[] }
      ).clusters;
      expect(names.map((c) => c.name)).toEqual(["c1-lax1", "c1-sv5"]);
    } finally {
      await ts.close();
    }
  });

  it("read_only_clusters accept reads but refuse writes, other clusters accept both", async () => {
    const ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, read_only_clusters: ["c1-lax*"] });
    try {
      const cm = (n: string) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: roc-${n}, namespace: default}`;
      const refused = await ts.call("resources_create_or_update", { cluster: "c1-lax1", resource: cm("a") });
      expect(resultText(refused)).toMatch(
        /refused on cluster 'c1-lax1': it is configured read-only \(read_only_clusters\)/,
      );
      expect(await statusOf(lax1!, "/api/v1/namespaces/default/configmaps/roc-a")).toBe(404);
      expect((await ts.call("namespaces_list", { cluster: "c1-lax1" })).isError).toBeFalsy();
      expect(
        (await ts.call("resources_create_or_update", { cluster: "c1-dfw1", resource: cm("b") })).isError,
      ).toBeFalsy();
      expect(await statusOf(dfw1!, "/api/v1/namespaces/default/configmaps/roc-b")).toBe(200);
    } finally {
      await ts.close();
    }
  });
});

describe("concurrency and cancellation", () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir });
    for (const c of cp.clusters) {
      const res = await ts.call("resources_create_or_update", {
        cluster: c.name,
        resource: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: whoami, namespace: default}\ndata: {cluster: ${c.name}}`,
      });
      expect(res.isError).toBeFalsy();
    }
  });
  afterAll(async () => ts?.close());

  it("routes 50 concurrent calls spread over 3 clusters correctly", async () => {
    const names = cp.clusters.map((c) => c.name);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const cluster = names[i % 3]!;
        return ts
          .text("resources_get", {
            cluster,
            apiVersion: "v1",
            kind: "ConfigMap",
            name: "whoami",
            namespace: "default",
          })
          .then((text) => ({ cluster, text }));
      }),
    );
    for (const r of results) expect(r.text).toContain(`cluster: ${r.cluster}`);
  });

  it("aborts the Kubernetes request when the client cancels the call", async () => {
    const hang = await startHangingServer();
    const dir = `${cp.root}/cancel-${Date.now()}`;
    await import("node:fs/promises").then((fs) => fs.mkdir(dir));
    await writeKubeconfig(`${dir}/hung.yaml`, "hung", `https://127.0.0.1:${hang.port}`, "t");
    const hts = await startTestServer({ kubeconfig_dir: dir, request_timeout: "60s" });
    try {
      const controller = new AbortController();
      const pending = hts.client.callTool(
        { name: "namespaces_list", arguments: { cluster: "hung" } },
        {
          signal: controller.signal,
        },
      );
      const soon = { timeout: 5000, interval: 10 };
      await vi.waitFor(() => expect(hang.open()).toBe(1), soon);
      controller.abort();
      await expect(pending).rejects.toThrow();
      await vi.waitFor(() => expect(hang.open()).toBe(0), soon);
      await vi.waitFor(
        () => expect(hts.records.find((x) => x.tool === "namespaces_list")?.error).toMatch(/cancelled/),
        soon,
      );
    } finally {
      await hts.close();
      await hang.close();
    }
  });
});
