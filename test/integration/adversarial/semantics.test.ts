// Kubernetes semantics at the boundary, observed on real apiservers: delete propagation, apply conflicts, policy
// per verb (read_only_clusters, disable_destructive) and bounded fan-out output.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { apiRequest } from "../../harness/https.js";
import { admin, create, freshNamespace, statusOf, waitUntil } from "../../helpers/cluster-api.js";
import { resultText, startTestServer, type TestServer } from "../../helpers/mcp.js";

const cp = inject("controlplane");
const [sv5, lax1, dfw1] = cp.clusters;

type Obj = { metadata?: { finalizers?: string[]; deletionTimestamp?: string; managedFields?: unknown[] } };

describe("deletes propagate in the background (kubectl's default)", () => {
  let ts: TestServer;
  let ns: string;
  beforeAll(async () => {
    ns = await freshNamespace(sv5!, "adv-prop");
    ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, default_cluster: "c1-sv5" });
  });
  afterAll(async () => ts?.close());

  // batch/v1 Jobs and v1 ReplicationControllers default to orphaning their pods: the apiserver then keeps the
  // object with an `orphan` finalizer (there is no garbage collector in this harness to remove it). A delete
  // that sends propagationPolicy=Background is removed at once.
  const kinds = [
    {
      kind: "Job",
      apiVersion: "batch/v1",
      path: (n: string) => `/apis/batch/v1/namespaces/${ns}/jobs${n}`,
      body: (name: string) => ({
        metadata: { name },
        spec: {
          suspend: true,
          template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } },
        },
      }),
    },
    {
      kind: "ReplicationController",
      apiVersion: "v1",
      path: (n: string) => `/api/v1/namespaces/${ns}/replicationcontrollers${n}`,
      body: (name: string) => ({
        metadata: { name },
        spec: {
          replicas: 0,
          selector: { app: name },
          template: {
            metadata: { labels: { app: name } },
            spec: { containers: [{ name: "c", image: "nginx" }] },
          },
        },
      }),
    },
  ];

  for (const k of kinds) {
    it(`${k.kind}: a plain DELETE would orphan (control); resources_delete removes it`, async () => {
      await create(sv5!, k.path(""), k.body("control"));
      await create(sv5!, k.path(""), k.body("via-tool"));
      await apiRequest(admin(sv5!), "DELETE", k.path("/control"));
      const control = (await apiRequest(admin(sv5!), "GET", k.path("/control"))).json<Obj>();
      expect(control.metadata?.finalizers).toContain("orphan");
      expect(control.metadata?.deletionTimestamp).toBeTruthy();
      const res = await ts.call("resources_delete", {
        apiVersion: k.apiVersion,
        kind: k.kind,
        name: "via-tool",
        namespace: ns,
      });
      expect(resultText(res)).toMatch(new RegExp(`Deleted ${k.kind} ${ns}/via-tool`));
      expect(await statusOf(sv5!, k.path("/via-tool"))).toBe(404);
      await apiRequest(
        admin(sv5!),
        "PATCH",
        k.path("/control"),
        { metadata: { finalizers: null } },
        "application/merge-patch+json",
      );
      await waitUntil("control removed", async () => (await statusOf(sv5!, k.path("/control"))) === 404);
    });
  }
});

describe("server-side apply does not force conflicts unless asked", () => {
  let ts: TestServer;
  let ns: string;
  const path = () => `/api/v1/namespaces/${ns}/configmaps/owned`;
  beforeAll(async () => {
    ns = await freshNamespace(lax1!, "adv-ssa");
    ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, default_cluster: "c1-lax1" });
    const applied = await apiRequest(
      admin(lax1!),
      "PATCH",
      `${path()}?fieldManager=kubectl`,
      JSON.stringify({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "owned" },
        data: { key: "one" },
      }),
      "application/apply-patch+yaml",
    );
    expect(applied.status).toBe(201);
  });
  afterAll(async () => ts?.close());

  const manifest = () =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: owned, namespace: ${ns}}\ndata: {key: two}\n`;
  const value = async () =>
    (await apiRequest(admin(lax1!), "GET", path())).json<{ data: { key: string } }>().data.key;

  it("a conflict is a 409 naming the field and its manager, and changes nothing", async () => {
    const res = await ts.call("resources_create_or_update", { resource: manifest() });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(
      new RegExp(
        `409 Conflict applying ConfigMap ${ns}/owned: 1 field\\(s\\) are owned by other field managers: \\.data\\.key \\(managed by "kubectl"\\); nothing was changed\\. Try: pass force: true`,
      ),
    );
    expect(await value()).toBe("one");
  });

  it("force: true takes the field over", async () => {
    const res = await ts.call("resources_create_or_update", { resource: manifest(), force: true });
    expect(res.isError).toBeFalsy();
    expect(await value()).toBe("two");
    const owners = (await apiRequest(admin(lax1!), "GET", path())).json<{
      metadata: { managedFields: { manager: string; fieldsV1?: { "f:data"?: Record<string, unknown> } }[] };
    }>().metadata.managedFields;
    const ownerOfKey = owners
      .filter((m) => m.fieldsV1?.["f:data"]?.["f:key"] !== undefined)
      .map((m) => m.manager);
    // The field manager names the MCP client (its initialize clientInfo name).
    expect(ownerOfKey).toEqual(["k8s-mcp/k8s-mcp-test"]);
  });
});

describe("policy is decided on the request actually sent", () => {
  let ns: string;
  beforeAll(async () => {
    ns = await freshNamespace(lax1!, "adv-pol");
    await create(lax1!, `/apis/apps/v1/namespaces/${ns}/deployments`, {
      metadata: { name: "web" },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "w", image: "nginx" }] },
        },
      },
    });
    await create(lax1!, `/api/v1/namespaces/${ns}/services`, {
      metadata: { name: "taken" },
      spec: { ports: [{ port: 80 }] },
    });
  });
  const replicas = async () =>
    (await apiRequest(admin(lax1!), "GET", `/apis/apps/v1/namespaces/${ns}/deployments/web`)).json<{
      spec: { replicas: number };
    }>().spec.replicas;

  it("read_only_clusters: reading a scale is allowed, writing it, running or exec'ing is refused, also in fan-out", async () => {
    const ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, read_only_clusters: ["c1-lax*"] });
    try {
      const ref = {
        cluster: "c1-lax1",
        apiVersion: "apps/v1",
        kind: "Deployment",
        name: "web",
        namespace: ns,
      };
      expect(await ts.text("resources_scale", ref)).toMatch(/web: 2 desired replicas/);
      const write = await ts.call("resources_scale", { ...ref, scale: 5 });
      expect(resultText(write)).toMatch(
        /resources_scale is refused on cluster 'c1-lax1': it is configured read-only \(read_only_clusters\) and the request would patch deployments\/scale\.apps/,
      );
      const run = await ts.call("pods_run", {
        cluster: "c1-lax1",
        image: "nginx",
        name: "nope",
        namespace: ns,
      });
      expect(resultText(run)).toMatch(/would create pods/);
      const exec = await ts.call("pods_exec", {
        cluster: "c1-lax1",
        name: "web",
        namespace: ns,
        container: "w",
        command: ["true"],
      });
      expect(resultText(exec)).toMatch(/would exec pods\/exec/);
      const fan = await ts.call("clusters_exec_all", {
        operation: "resources_scale",
        parameters: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: ns, scale: 9 },
        clusters: ["c1-lax1"],
      });
      const legs = (fan.structuredContent as { results: { status: string; error?: string }[] }).results;
      expect(legs[0]?.error).toMatch(/read_only_clusters/);
      expect(await replicas()).toBe(2);
      expect(await statusOf(lax1!, `/api/v1/namespaces/${ns}/pods/nope`)).toBe(404);
    } finally {
      await ts.close();
    }
  });

  it("disable_destructive: pods_run may still undo its own pod when its Service cannot be created", async () => {
    const ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, disable_destructive: true });
    try {
      const res = await ts.call("pods_run", {
        cluster: "c1-lax1",
        image: "nginx:1.27",
        name: "taken",
        namespace: ns,
        port: 80,
      });
      expect(resultText(res)).toMatch(/the pod was removed again/);
      await waitUntil(
        "pod removed",
        async () => (await statusOf(lax1!, `/api/v1/namespaces/${ns}/pods/taken`)) === 404,
      );
      expect(await statusOf(lax1!, `/api/v1/namespaces/${ns}/services/taken`)).toBe(200);
    } finally {
      await ts.close();
    }
  });
});

describe("fan-out output is bounded in structuredContent as in the text", () => {
  it("each leg is fetched to its share of max_output_bytes, text and structuredContent together", async () => {
    const ns = `adv-fan-${Math.random().toString(36).slice(2, 8)}`;
    for (const c of [sv5!, lax1!, dfw1!]) {
      await create(c, "/api/v1/namespaces", { metadata: { name: ns } });
      for (let i = 0; i < 20; i++)
        await create(c, `/api/v1/namespaces/${ns}/configmaps`, {
          metadata: { name: `cm-${i}` },
          data: { blob: "x".repeat(500) },
        });
    }
    const max = 8192; // a share (~2.5 KB) that holds at least one 500-byte object in both forms
    const ts = await startTestServer({
      kubeconfig_dir: cp.kubeconfigDir,
      max_output_bytes: max,
      list_output: "yaml",
    });
    try {
      const res = await ts.call("clusters_exec_all", {
        operation: "resources_list",
        parameters: { apiVersion: "v1", kind: "ConfigMap", namespace: ns },
      });
      const results = (
        res.structuredContent as { results: { status: string; result?: { continue: string | null } }[] }
      ).results;
      expect(results.map((r) => r.status)).toEqual(["ok", "ok", "ok"]);
      // Each leg was fetched to fit its share: nothing cut mid-object, and its continue token in both forms.
      for (const r of results) {
        expect(r.result?.continue).toBeTruthy();
        expect(resultText(res)).toContain(`continue="${r.result?.continue}"`);
      }
      expect(resultText(res)).not.toMatch(/output truncated/);
      const total =
        Buffer.byteLength(resultText(res)) + Buffer.byteLength(JSON.stringify(res.structuredContent));
      expect(total).toBeLessThanOrEqual(max);
    } finally {
      await ts.close();
    }
  });
});
