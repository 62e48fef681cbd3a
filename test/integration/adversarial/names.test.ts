// Adversarial: hostile names and namespaces against every tool that writes or deletes, on a real apiserver seen
// through a RECORDING PROXY: each call is refused before any request, and nothing but an exact target ever changes.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { apiRequest } from "../../harness/https.js";
import { admin, create, freshNamespace, statusOf } from "../../helpers/cluster-api.js";
import { writeKubeconfig } from "../../helpers/fleet.js";
import { resultText, startTestServer, type TestServer } from "../../helpers/mcp.js";
import {
  changes,
  expectRefused,
  HOSTILE_NAMES,
  HOSTILE_NAMESPACES,
  objectRequests,
  PATH_SEGMENT_NAMES,
  type Snapshot,
  snapshot,
} from "./hostile.js";
import { type RecordingProxy, startRecordingProxy } from "./recording-proxy.js";

const cp = inject("controlplane");
const sv5 = cp.clusters[0]!;
const REFUSAL =
  /invalid (name|namespace|metadata\.name|metadata\.namespace|container) .*: must be|needs apiVersion, kind and metadata\.name|-32602/;

type Args = Record<string, unknown>;
/** Each writing tool, and how to aim it at a name or a namespace. */
const WRITERS: { tool: string; byName: (n: string, ns: string) => Args; byNs: (ns: string) => Args }[] = [
  {
    tool: "pods_delete",
    byName: (name, namespace) => ({ name, namespace }),
    byNs: (namespace) => ({ name: "p1", namespace }),
  },
  {
    tool: "resources_delete",
    byName: (name, namespace) => ({ apiVersion: "v1", kind: "ConfigMap", name, namespace }),
    byNs: (namespace) => ({ apiVersion: "v1", kind: "ConfigMap", name: "target", namespace }),
  },
  {
    tool: "resources_scale",
    byName: (name, namespace) => ({ apiVersion: "apps/v1", kind: "Deployment", name, namespace, scale: 7 }),
    byNs: (namespace) => ({ apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace, scale: 7 }),
  },
  {
    tool: "resources_create_or_update",
    byName: (name, namespace) => ({
      resource: JSON.stringify({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name, namespace },
        data: { x: "1" },
      }),
    }),
    byNs: (namespace) => ({
      resource: JSON.stringify({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "target", namespace },
        data: { x: "1" },
      }),
    }),
  },
  {
    tool: "pods_run",
    byName: (name, namespace) => ({ image: "nginx:1.27", name, namespace, port: 80 }),
    byNs: (namespace) => ({ image: "nginx:1.27", name: "fresh", namespace }),
  },
  {
    tool: "pods_exec",
    byName: (name, namespace) => ({ name, namespace, command: ["true"] }),
    byNs: (namespace) => ({ name: "p1", namespace, command: ["true"] }),
  },
];

describe("hostile names and namespaces change nothing (real apiserver behind a recording proxy)", () => {
  let ts: TestServer;
  let proxy: RecordingProxy;
  let ns: string;
  let other: string;
  let before: Snapshot;

  beforeAll(async () => {
    ns = await freshNamespace(sv5, "adv");
    other = await freshNamespace(sv5, "adv-other");
    for (const n of [ns, other]) {
      for (const name of ["target", "a", "b"])
        await create(sv5, `/api/v1/namespaces/${n}/configmaps`, { metadata: { name }, data: { v: name } });
      await create(sv5, `/api/v1/namespaces/${n}/pods`, {
        metadata: { name: "p1" },
        spec: { containers: [{ name: "c", image: "nginx:1.27" }] },
      });
    }
    await create(sv5, `/apis/apps/v1/namespaces/${ns}/deployments`, {
      metadata: { name: "web" },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "w", image: "nginx" }] },
        },
      },
    });
    proxy = await startRecordingProxy(sv5);
    const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-adv-"));
    await writeKubeconfig(join(dir, "px.yaml"), "px", proxy.url, sv5.adminToken);
    ts = await startTestServer({ kubeconfig_dir: dir, default_cluster: "px" });
    before = await snapshot(sv5, [ns, other]);
  });
  afterAll(async () => {
    await ts?.close();
    await proxy?.close();
  });

  for (const w of WRITERS) {
    it(`${w.tool}: every hostile name and namespace is refused before any request; nothing changes`, async () => {
      proxy.requests.length = 0;
      for (const name of HOSTILE_NAMES)
        await expectRefused(
          ts.call(w.tool, w.byName(name, ns)),
          `${w.tool} name ${JSON.stringify(name)}`,
          REFUSAL,
        );
      for (const namespace of HOSTILE_NAMESPACES)
        await expectRefused(
          ts.call(w.tool, w.byNs(namespace)),
          `${w.tool} namespace ${JSON.stringify(namespace)}`,
          REFUSAL,
        );
      expect(objectRequests(proxy.requests)).toEqual([]);
      expect(changes(before, await snapshot(sv5, [ns, other]))).toEqual([]);
    });

    it(`clusters_exec_all with ${w.tool}: every leg is refused the same way; nothing changes`, async () => {
      proxy.requests.length = 0;
      const inputs = [
        ...HOSTILE_NAMES.filter((n) => n !== "").map((n) => w.byName(n, ns)),
        ...HOSTILE_NAMESPACES.filter((n) => n !== "").map((n) => w.byNs(n)),
      ];
      for (const parameters of inputs) {
        const res = await ts.call("clusters_exec_all", {
          operation: w.tool,
          parameters,
          clusters: ["px"],
          confirm: true,
        });
        const legs = (res.structuredContent as { results?: { status: string; error?: string }[] } | undefined)
          ?.results;
        const what = `${w.tool} ${JSON.stringify(parameters).slice(0, 120)}`;
        if (res.isError) continue; // refused as a whole (parameters failed the operation's schema)
        expect(
          legs?.map((l) => l.status),
          what,
        ).toEqual(["error"]);
        expect(legs?.[0]?.error, what).toMatch(REFUSAL);
      }
      expect(objectRequests(proxy.requests)).toEqual([]);
      expect(changes(before, await snapshot(sv5, [ns, other]))).toEqual([]);
    });
  }

  it("hostile kinds (look-alikes, collections) in a manifest reach nothing", async () => {
    proxy.requests.length = 0;
    for (const kind of [
      "ＣonfigMap",
      "ConfigMapList",
      "List",
      "configmaps/status",
      "ConfigMap ",
      "*",
      "../ConfigMap",
    ]) {
      const resource = JSON.stringify({
        apiVersion: "v1",
        kind,
        metadata: { name: "target", namespace: ns },
      });
      await expectRefused(ts.call("resources_create_or_update", { resource }), `kind ${kind}`);
      await expectRefused(
        ts.call("resources_delete", { apiVersion: "v1", kind, name: "target", namespace: ns }),
        `kind ${kind}`,
      );
    }
    expect(objectRequests(proxy.requests)).toEqual([]);
    expect(changes(before, await snapshot(sv5, [ns, other]))).toEqual([]);
  });

  it("hostile container names for pods_exec and pods_log are refused before any request", async () => {
    proxy.requests.length = 0;
    for (const container of ["..", "a/b", "c&command=rm", "c\n", "C", " c", "%2F"]) {
      const what = `container ${JSON.stringify(container)}`;
      await expectRefused(
        ts.call("pods_exec", { name: "p1", namespace: ns, container, command: ["true"] }),
        what,
        REFUSAL,
      );
      await expectRefused(ts.call("pods_log", { name: "p1", namespace: ns, container }), what, REFUSAL);
    }
    expect(objectRequests(proxy.requests)).toEqual([]);
  });

  it("selectors and continue tokens stay inside their query parameter", async () => {
    proxy.requests.length = 0;
    const res = await ts.call("resources_list", {
      apiVersion: "v1",
      kind: "ConfigMap",
      namespace: ns,
      labelSelector: "x=y&fieldSelector=metadata.name=target#/../../secrets",
      fieldSelector: "metadata.name=a&limit=1",
    });
    expect(res.isError).toBe(true); // the apiserver refuses the odd selector; it was not split
    const lists = proxy.requests.filter((r) => r.url.includes("/configmaps"));
    expect(lists).toHaveLength(1);
    const url = new URL(lists[0]?.url ?? "", "http://x");
    expect(url.pathname).toBe(`/api/v1/namespaces/${ns}/configmaps`);
    expect(url.searchParams.getAll("labelSelector")).toEqual([
      "x=y&fieldSelector=metadata.name=target#/../../secrets",
    ]);
    expect(url.searchParams.getAll("fieldSelector")).toEqual(["metadata.name=a&limit=1"]);
    expect(url.searchParams.get("limit")).toBe("500");
    const cont = await ts.call("resources_list", {
      apiVersion: "v1",
      kind: "ConfigMap",
      namespace: ns,
      continue: "../../secrets?x",
    });
    expect(cont.isError).toBe(true);
    expect(new URL(proxy.requests.at(-1)?.url ?? "", "http://x").pathname).toBe(
      `/api/v1/namespaces/${ns}/configmaps`,
    );
  });

  it("a valid delete changes exactly its target, sends Background propagation, and never a collection path", async () => {
    proxy.requests.length = 0;
    const res = await ts.call("resources_delete", {
      apiVersion: "v1",
      kind: "ConfigMap",
      name: "target",
      namespace: ns,
    });
    expect(res.isError).toBeFalsy();
    const pod = await ts.call("pods_delete", { name: "p1", namespace: ns });
    expect(pod.isError).toBeFalsy();
    const after = await snapshot(sv5, [ns, other]);
    // A pod bound to a node is deleted gracefully (it may linger, marked for deletion): removed or changed.
    const pod1 = `/api/v1/namespaces/${ns}/pods/p1`;
    expect(changes(before, after)).toEqual([
      `removed /api/v1/namespaces/${ns}/configmaps/target`,
      ...(after.has(pod1) ? [`changed ${pod1}`] : [`removed ${pod1}`]),
    ]);
    const deletes = proxy.requests.filter((r) => r.method === "DELETE");
    expect(deletes.map((d) => d.url)).toEqual([
      `/api/v1/namespaces/${ns}/configmaps/target`,
      `/api/v1/namespaces/${ns}/pods/p1`,
    ]);
    for (const d of deletes)
      expect(JSON.parse(d.body)).toMatchObject({ kind: "DeleteOptions", propagationPolicy: "Background" });
    before = after;
  });
});

describe("names that are valid path segments (RBAC allows them) reach exactly their own object", () => {
  let ts: TestServer;
  let proxy: RecordingProxy;
  let ns: string;
  const roles = (n: string) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${n}/roles`;

  beforeAll(async () => {
    ns = await freshNamespace(sv5, "adv-seg");
    for (const name of [...PATH_SEGMENT_NAMES, "a", "b", "x"])
      await create(sv5, roles(ns), { metadata: { name }, rules: [] });
    proxy = await startRecordingProxy(sv5);
    const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-adv-seg-"));
    await writeKubeconfig(join(dir, "px.yaml"), "px", proxy.url, sv5.adminToken);
    ts = await startTestServer({ kubeconfig_dir: dir, default_cluster: "px" });
  });
  afterAll(async () => {
    await ts?.close();
    await proxy?.close();
  });

  it("get and delete each one, encoded as one path segment; the others stay", async () => {
    const names = async (): Promise<string[]> =>
      (await apiRequest(admin(sv5), "GET", roles(ns)))
        .json<{ items: { metadata: { name: string } }[] }>()
        .items.map((i) => i.metadata.name)
        .sort();
    let remaining = await names();
    for (const name of PATH_SEGMENT_NAMES) {
      const args = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", name, namespace: ns };
      const got = await ts.call("resources_get", args);
      expect(got.isError, name).toBeFalsy();
      expect(resultText(got), name).toContain("kind: Role");
      proxy.requests.length = 0;
      expect((await ts.call("resources_delete", args)).isError, name).toBeFalsy();
      expect(proxy.requests.filter((r) => r.method === "DELETE").map((r) => r.url)).toEqual([
        `${roles(ns)}/${encodeURIComponent(name)}`,
      ]);
      const now = await names();
      expect(now, name).toEqual(remaining.filter((n) => n !== name));
      remaining = now;
    }
    expect(remaining).toEqual(["a", "b", "x"]);
    expect(await statusOf(sv5, `/api/v1/namespaces/${ns}`)).toBe(200);
  });
});
