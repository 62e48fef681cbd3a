// Guards on writes against a real apiserver: per-caller field managers, whole-manifest checks before the first
// write, scale bounds and max_replicas, and the resourceVersion precondition.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { apiRequest } from "../harness/https.js";
import { admin, crdBody, create, deploymentBody, freshNamespace, statusOf } from "../helpers/cluster-api.js";
import { resultText, startTestServer, type TestServer } from "../helpers/mcp.js";

const cp = inject("controlplane");
const dfw1 = cp.clusters[2]!;

const get = async <T>(path: string): Promise<T> => (await apiRequest(admin(dfw1), "GET", path)).json<T>();
const configMapCount = async (ns: string): Promise<number> =>
  (await get<{ items: unknown[] }>(`/api/v1/namespaces/${ns}/configmaps`)).items.filter(
    (i) => (i as { metadata: { name: string } }).metadata.name !== "kube-root-ca.crt",
  ).length;

describe("two MCP clients applying conflicting fields", () => {
  let a: TestServer;
  let b: TestServer;
  let ns: string;
  beforeAll(async () => {
    ns = await freshNamespace(dfw1, "owners");
    const config = { kubeconfig_dir: cp.kubeconfigDir, default_cluster: "c1-dfw1" };
    [a, b] = await Promise.all([
      startTestServer(config, {}, {}, {}, "agent-a"),
      startTestServer(config, {}, {}, {}, "agent-b"),
    ]);
  });
  afterAll(async () => Promise.all([a?.close(), b?.close()]));

  it("the second gets a conflict naming the first's field manager; nothing of it is applied", async () => {
    const doc = (k: string, only: string) =>
      JSON.stringify({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "shared", namespace: ns },
        data: { k, [only]: "1" },
      });
    const [ra, rb] = await Promise.all([
      a.call("resources_create_or_update", { resource: doc("A", "onlyA") }),
      b.call("resources_create_or_update", { resource: doc("B", "onlyB") }),
    ]);
    const results = [ra, rb];
    const winner = results.findIndex((r) => !r.isError);
    expect(winner).toBeGreaterThanOrEqual(0);
    const loser = results[1 - winner]!;
    const [won, other] = winner === 0 ? ["agent-a", "agent-b"] : ["agent-b", "agent-a"];
    expect(loser.isError).toBe(true);
    expect(resultText(loser)).toMatch(
      new RegExp(
        `409 Conflict applying ConfigMap ${ns}/shared: 1 field\\(s\\) are owned by other field managers: \\.data\\.k \\(managed by "k8s-mcp/${won}"\\); nothing was changed`,
      ),
    );
    const cm = await get<{
      data: Record<string, string>;
      metadata: { managedFields: { manager: string }[] };
    }>(`/api/v1/namespaces/${ns}/configmaps/shared`);
    expect(cm.data.k).toBe(won === "agent-a" ? "A" : "B");
    expect(Object.keys(cm.data)).not.toContain(other === "agent-a" ? "onlyA" : "onlyB");
    expect(cm.metadata.managedFields.map((m) => m.manager)).toEqual([`k8s-mcp/${won}`]);
  });
});

describe("a 1000-document manifest", () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, default_cluster: "c1-dfw1" });
  });
  afterAll(async () => ts?.close());

  const manifest = (ns: string, bad?: string, at = 500) =>
    Array.from({ length: 1000 }, (_, i) =>
      i === at - 1 && bad !== undefined
        ? bad
        : `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i + 1}, namespace: ${ns}}\ndata: {i: "${i + 1}"}`,
    ).join("\n---\n");

  const cases: [string, (ns: string) => string, RegExp][] = [
    [
      "an unknown kind",
      (ns) => `apiVersion: v1\nkind: ConfigMapp\nmetadata: {name: cm-500, namespace: ${ns}}`,
      /document 500 \(ConfigMapp .*\/cm-500\): v1 has no kind 'ConfigMapp'/,
    ],
    [
      "a namespace that does not exist",
      () => "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-500, namespace: no-such-ns-24}",
      /document 500 \(ConfigMap no-such-ns-24\/cm-500\): 404 NotFound: namespaces "no-such-ns-24" not found/,
    ],
    [
      "a type error",
      (ns) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-500, namespace: ${ns}}\ndata: {i: [1, 2]}`,
      /document 500 \(ConfigMap .*\/cm-500\): 500: failed to create typed patch object .*\.data\.i: expected string/,
    ],
  ];
  for (const [what, bad, message] of cases) {
    it(`with ${what} at document 500 applies nothing, and names the document`, async () => {
      const ns = await freshNamespace(dfw1, "m1000");
      const started = performance.now();
      const res = await ts.call("resources_create_or_update", { resource: manifest(ns, bad(ns)) });
      const ms = Math.round(performance.now() - started);
      expect(res.isError).toBe(true);
      const text = resultText(res);
      expect(text).toMatch(/nothing applied: the check of all 1000 documents before the first write/);
      expect(text).toMatch(message);
      expect(text.length).toBeLessThan(4000);
      const s = res.structuredContent as {
        applied: unknown[];
        failed: { index: number }[];
        notAttempted: unknown[];
      };
      expect(s.applied).toEqual([]);
      expect(s.failed.map((f) => f.index)).toEqual([500]);
      expect(s.notAttempted).toHaveLength(999);
      expect(await configMapCount(ns)).toBe(0);
      process.stderr.write(`[measure] 1000 docs, bad at 500 (${what}): refused in ${ms} ms\n`);
    });
  }

  it("all good: applied, per document; a dry-run pass costs less than the apply pass", async () => {
    const ns = await freshNamespace(dfw1, "m1000");
    const t0 = performance.now();
    // The last document refused: the dry run of the 999 before it is the whole cost of this call.
    const last = `apiVersion: v1\nkind: ConfigMapp\nmetadata: {name: last, namespace: ${ns}}`;
    const refused = await ts.call("resources_create_or_update", { resource: manifest(ns, last, 1000) });
    const dryRunMs = Math.round(performance.now() - t0);
    expect(refused.isError).toBe(true);
    expect(await configMapCount(ns)).toBe(0);
    const t1 = performance.now();
    const res = await ts.call("resources_create_or_update", { resource: manifest(ns) });
    const totalMs = Math.round(performance.now() - t1);
    expect(res.isError).toBeFalsy();
    expect(resultText(res)).toMatch(
      /^Applied 1000 documents on cluster 'c1-dfw1': ConfigMap .*\/cm-1, .*\.\.\. 980 more \(see applied\)/,
    );
    expect((res.structuredContent as { applied: unknown[] }).applied).toHaveLength(1000);
    expect(await configMapCount(ns)).toBe(1000);
    process.stderr.write(
      `[measure] 1000 docs: dry-run pass (refused at 1000) ${dryRunMs} ms; dry run + apply ${totalMs} ms; apply pass ~${totalMs - dryRunMs} ms\n`,
    );
  });

  it("a custom resource whose CRD the manifest creates is checked once the CRD is served", async () => {
    const ns = await freshNamespace(dfw1, "crd");
    const group = `g${Math.random().toString(36).slice(2, 8)}.example.com`;
    const crd = { ...crdBody(group, "widgets", "Widget") };
    const res = await ts.call("resources_create_or_update", {
      resource: [
        `apiVersion: ${group}/v1\nkind: Widget\nmetadata: {name: w1, namespace: ${ns}}\nspec: {size: 3}`,
        JSON.stringify(crd),
      ].join("\n---\n"),
    });
    expect(resultText(res)).toMatch(/^Applied 2 documents/);
    expect(res.structuredContent).toMatchObject({
      applied: [
        { index: 2, kind: "CustomResourceDefinition" },
        { index: 1, kind: "Widget", name: "w1" },
      ],
    });
    expect(await statusOf(dfw1, `/apis/${group}/v1/namespaces/${ns}/widgets/w1`)).toBe(200);
  });

  it("documents in a namespace the manifest creates are checked once it exists", async () => {
    const name = `fresh-${Math.random().toString(36).slice(2, 8)}`;
    const res = await ts.call("resources_create_or_update", {
      resource: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: inside, namespace: ${name}}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}`,
    });
    expect(resultText(res)).toMatch(/^Applied 2 documents/);
    expect(res.structuredContent).toMatchObject({
      applied: [
        { index: 2, kind: "Namespace" },
        { index: 1, kind: "ConfigMap", namespace: name },
      ],
    });
    expect(await statusOf(dfw1, `/api/v1/namespaces/${name}/configmaps/inside`)).toBe(200);
  });
});

describe("scale bounds, max_replicas and the resourceVersion precondition", () => {
  let ts: TestServer;
  let ns: string;
  const replicas = async () =>
    (await get<{ spec: { replicas: number } }>(`/apis/apps/v1/namespaces/${ns}/deployments/web`)).spec
      .replicas;
  const scale = (n: unknown, extra: Record<string, unknown> = {}) =>
    ts.call("resources_scale", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "web",
      namespace: ns,
      scale: n,
      ...extra,
    });
  beforeAll(async () => {
    ns = await freshNamespace(dfw1, "scale");
    await create(dfw1, `/apis/apps/v1/namespaces/${ns}/deployments`, deploymentBody("web", 1));
    ts = await startTestServer({
      kubeconfig_dir: cp.kubeconfigDir,
      default_cluster: "c1-dfw1",
      max_replicas: 50,
    });
  });
  afterAll(async () => ts?.close());

  it("refuses counts outside int32 before any request", async () => {
    for (const n of [2147483648, 1e12, -1, 1.5]) {
      const res = await scale(n, { confirm: true });
      expect(res.isError).toBe(true);
      expect(resultText(res)).toMatch(/scale/);
    }
    expect(await replicas()).toBe(1);
  });

  it("above max_replicas: refused unless confirmed, then applied", async () => {
    const refused = await scale(51);
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).toMatch(
      /scaling to 51 replicas is more than max_replicas \(50\); not confirmed, nothing was changed\. Try: .*confirm: true/,
    );
    expect(await replicas()).toBe(1);
    const ok = await scale(51, { confirm: true });
    expect(resultText(ok)).toMatch(/from 1 to 51 replicas/);
    expect(await replicas()).toBe(51);
  });

  it("a stale resourceVersion is a 409 and changes nothing; the current one scales", async () => {
    const current = (
      await get<{ metadata: { resourceVersion: string } }>(`/apis/apps/v1/namespaces/${ns}/deployments/web`)
    ).metadata.resourceVersion;
    const stale = await scale(3, { resourceVersion: "1" });
    expect(stale.isError).toBe(true);
    expect(resultText(stale)).toMatch(/409 Conflict: .*the object has been modified/);
    expect(await replicas()).toBe(51);
    const ok = await scale(3, { resourceVersion: current });
    expect(ok.isError).toBeFalsy();
    expect(await replicas()).toBe(3);
  });
});
