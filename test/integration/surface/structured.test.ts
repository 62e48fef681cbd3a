// Every tool's structuredContent, through a real MCP Client against real clusters, checked against the outputSchema
// it declared in tools/list: by the SDK Client itself (which validates once listTools was called) and explicitly.

import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import type { CallToolResult, Tool } from "@modelcontextprotocol/server";
import { InMemoryTransport, Server } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ensureHelm } from "../../harness/helm.js";
import { logLine } from "../../harness/kubelet.js";
import { nodeLogLine } from "../../harness/kubelet-node.js";
import { publishNodeMetrics, publishPodMetrics } from "../../harness/metrics.js";
import { createPods, waitForPodsRunning } from "../../harness/pods.js";
import { admin, create, freshNamespace, statusOf } from "../../helpers/cluster-api.js";
import { writeKubeconfig } from "../../helpers/fleet.js";
import { chartDir } from "../../helpers/helm-cli.js";
import { startTestServer, type TestServer } from "../../helpers/mcp.js";
import { startProxyNode } from "../../helpers/proxy-node.js";
import { startExecStub } from "../../stubs/exec-apiserver.js";
import { declaredTools, expectValidStructured } from "./schema.js";

const cp = inject("controlplane");
const [sv5, lax1] = cp.clusters;

const configMap = (ns: string, name: string, color: string) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: ns },
  data: { color },
});

describe("the SDK Client validates structuredContent against outputSchema (what the tests below rely on)", () => {
  it("rejects a result whose structuredContent does not match, once listTools was called", async () => {
    // A bare low-level Server that lies about its output: the product's McpServer would refuse to send this.
    const server = new Server({ name: "liar", version: "1" }, { capabilities: { tools: {} } });
    const tool: Tool = {
      name: "liar",
      inputSchema: { type: "object" },
      outputSchema: { type: "object", properties: { n: { type: "number" } }, required: ["n"] },
    };
    server.setRequestHandler("tools/list", async () => ({ tools: [tool] }));
    server.setRequestHandler(
      "tools/call",
      async (): Promise<CallToolResult> => ({ content: [], structuredContent: { n: "not a number" } }),
    );
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(b);
    const client = new Client({ name: "t", version: "1" });
    await client.connect(a);
    try {
      await client.listTools();
      await expect(client.callTool({ name: "liar", arguments: {} })).rejects.toThrow(/structured content/i);
    } finally {
      await client.close();
    }
  });
});

describe("structured results of every tool match their declared outputSchema", () => {
  let ts: TestServer;
  let ns: string;
  let tools: Map<string, Tool>;
  const covered = new Set<string>();
  const call = async (name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const res = await ts.call(name, args);
    expectValidStructured(tools.get(name), res);
    covered.add(name);
    return res.structuredContent as Record<string, unknown>;
  };

  beforeAll(async () => {
    ns = await freshNamespace(lax1!, "shape");
    await create(sv5!, "/api/v1/namespaces", { metadata: { name: ns } });
    await createPods(admin(lax1!), ns, 2, { prefix: "web", labels: { app: "web" } });
    await waitForPodsRunning(admin(lax1!), ns, 2, 20_000);
    await create(lax1!, `/api/v1/namespaces/${ns}/configmaps`, configMap(ns, "cfg", "blue"));
    await create(sv5!, `/api/v1/namespaces/${ns}/configmaps`, configMap(ns, "cfg", "green"));
    ts = await startTestServer({
      kubeconfig_dir: cp.kubeconfigDir,
      default_cluster: "c1-lax1",
      helm_path: await ensureHelm(),
    });
    tools = await declaredTools(ts.client);
  });
  afterAll(async () => ts?.close());

  it("lists: rows as objects keyed like the table's columns, the cluster, and a working continue token", async () => {
    const all = await call("pods_list", { labelSelector: "app=web" });
    expect(all.cluster).toBe("c1-lax1");
    expect(all.columns).toEqual(expect.arrayContaining(["namespace", "name", "ready", "status", "restarts"]));
    const rows = all.items as Record<string, unknown>[];
    expect(rows.filter((r) => r.namespace === ns).map((r) => [r.name, r.status])).toEqual([
      ["web-1", "Running"],
      ["web-2", "Running"],
    ]);
    const page1 = await call("pods_list_in_namespace", { namespace: ns, limit: 1 });
    expect(page1).toMatchObject({ cluster: "c1-lax1", kind: "Pod", count: 1 });
    expect(typeof page1.continue).toBe("string");
    const page2 = await call("pods_list_in_namespace", { namespace: ns, limit: 1, continue: page1.continue });
    expect(
      [...(page1.items as { name: string }[]), ...(page2.items as { name: string }[])].map((r) => r.name),
    ).toEqual(["web-1", "web-2"]);
    expect(page2.continue).toBeNull();
    const namespaces = await call("namespaces_list", {});
    expect((namespaces.items as { name: string }[]).map((r) => r.name)).toContain(ns);
    await call("events_list", { namespace: ns });
    const cms = await call("resources_list", { apiVersion: "v1", kind: "ConfigMap", namespace: ns });
    expect((cms.items as { name: string }[]).map((r) => r.name)).toContain("cfg");
  });

  it("list rows keep to max_output_bytes like the text: the page is shortened and continue skips nothing", async () => {
    const small = await startTestServer({
      kubeconfig_dir: cp.kubeconfigDir,
      default_cluster: "c1-lax1",
      max_output_bytes: 300,
    });
    try {
      const declared = await declaredTools(small.client);
      const all = await call("namespaces_list", {});
      const names: string[] = [];
      let token: unknown;
      let pages = 0;
      for (let page = 0; page < 50; page++) {
        pages++;
        const res = await small.call("namespaces_list", token ? { continue: token } : {});
        expectValidStructured(declared.get("namespaces_list"), res);
        const out = res.structuredContent as {
          count: number;
          items: { name: string }[];
          continue: string | null;
        };
        // A page never holds more rows than fit (a single row is shown whole, like the text).
        if (out.count > 1) expect(Buffer.byteLength(JSON.stringify(out))).toBeLessThanOrEqual(300);
        expect(out.items).toHaveLength(out.count);
        names.push(...out.items.map((i) => i.name));
        token = out.continue;
        if (!token) break;
      }
      expect(pages).toBeGreaterThan(1); // the budget really shortened the pages
      expect(names).toEqual((all.items as { name: string }[]).map((i) => i.name));
    } finally {
      await small.close();
    }
  });

  it("get and apply return the object; scale and delete say what they did; the cluster is always named", async () => {
    const got = await call("resources_get", {
      apiVersion: "v1",
      kind: "ConfigMap",
      name: "cfg",
      namespace: ns,
    });
    expect(got).toMatchObject({ cluster: "c1-lax1", object: { kind: "ConfigMap", data: { color: "blue" } } });
    expect((got.object as { metadata: Record<string, unknown> }).metadata.managedFields).toBeUndefined();
    const pod = await call("pods_get", { name: "web-1", namespace: ns });
    expect(pod).toMatchObject({ cluster: "c1-lax1", object: { metadata: { name: "web-1" } } });
    const deployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: ${ns}}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec: {containers: [{name: api, image: nginx:1.27}]}\n`;
    const applied = await call("resources_create_or_update", { resource: deployment });
    expect(applied).toMatchObject({
      cluster: "c1-lax1",
      applied: [{ index: 1, kind: "Deployment", namespace: ns, name: "api" }],
      failed: [],
      notAttempted: [],
    });
    expect((applied.objects as Record<string, unknown>[])[0]).toMatchObject({
      kind: "Deployment",
      spec: { replicas: 1 },
    });
    const read = await call("resources_scale", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "api",
      namespace: ns,
    });
    expect(read).toMatchObject({ cluster: "c1-lax1", kind: "Deployment", name: "api", replicas: 1 });
    const scaled = await call("resources_scale", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "api",
      namespace: ns,
      scale: 3,
    });
    expect(scaled).toMatchObject({ previous: 1, replicas: 3 });
    const run = await call("pods_run", { image: "nginx:1.27", name: "runner", namespace: ns });
    expect(run).toMatchObject({ cluster: "c1-lax1", created: [`Pod ${ns}/runner`] });
    const del = await call("pods_delete", { name: "runner", namespace: ns });
    expect(del).toEqual({ cluster: "c1-lax1", deleted: { kind: "Pod", namespace: ns, name: "runner" } });
    const delCm = await call("resources_delete", {
      apiVersion: "v1",
      kind: "ConfigMap",
      name: "cfg",
      namespace: ns,
    });
    expect(delCm).toEqual({ cluster: "c1-lax1", deleted: { kind: "ConfigMap", namespace: ns, name: "cfg" } });
    // What was not asked for did not change: the other cluster's ConfigMap and the other pods are still there.
    expect(await statusOf(sv5!, `/api/v1/namespaces/${ns}/configmaps/cfg`)).toBe(200);
    expect(await statusOf(lax1!, `/api/v1/namespaces/${ns}/pods/web-2`)).toBe(200);
    await create(lax1!, `/api/v1/namespaces/${ns}/configmaps`, configMap(ns, "cfg", "blue"));
  });

  it("logs, metrics (metrics API STUB served by CRDs) and kubeconfig view carry their data, once", async () => {
    const log = await call("pods_log", { name: "web-1", namespace: ns, tail: 5 });
    expect(log).toMatchObject({
      cluster: "c1-lax1",
      pod: "web-1",
      namespace: ns,
      container: "app",
      previous: false,
    });
    expect(log.log).toContain(logLine(ns, "web-1", "app", 1).slice(0, 20));
    await publishPodMetrics(admin(lax1!), ns, "web-1", [{ name: "app", cpu: "250m", memory: "64Mi" }]);
    const top = await call("pods_top", { namespace: ns, labelSelector: "" });
    const row = (top.pods as Record<string, unknown>[]).find((p) => p.name === "web-1");
    // One figure per quantity: no raw duplicate next to the converted one.
    expect(row).toEqual({ namespace: ns, name: "web-1", cpuMillicores: 250, memoryBytes: 64 * 1024 * 1024 });
    await publishNodeMetrics(admin(lax1!), lax1!.nodeName, { cpu: "2", memory: "4Gi" });
    const nodes = await call("nodes_top", {});
    expect((nodes.nodes as Record<string, unknown>[]).find((n) => n.name === lax1!.nodeName)).toEqual({
      name: lax1!.nodeName,
      cpuMillicores: 2000,
      cpuPercent: 50,
      memoryBytes: 4 * 1024 ** 3,
      memoryPercent: 50,
    });
    const view = await call("configuration_view", {});
    expect(view).toMatchObject({ cluster: "c1-lax1", kubeconfig: { kind: "Config" } });
    expect(JSON.stringify(view)).not.toContain(lax1!.adminToken);
  });

  it("fleet tools: cluster list, status, switch, compare values not double-encoded, fan-out legs structured", async () => {
    const list = await call("clusters_list", { show_details: true });
    expect((list.clusters as { name: string }[]).map((c) => c.name)).toEqual(
      expect.arrayContaining(["c1-sv5", "c1-lax1"]),
    );
    const status = await call("clusters_status", { clusters: ["c1-sv5", "c1-lax1"] });
    expect(status).toMatchObject({ ok: 2, total: 2 });
    const cmp = await call("clusters_compare", {
      apiVersion: "v1",
      kind: "ConfigMap",
      name: "cfg",
      namespace: ns,
      clusters: ["c1-lax1", "c1-sv5"],
    });
    const diffs = (cmp.differences as { diffs: { path: string; values: unknown }[] }[])[0]?.diffs ?? [];
    expect(diffs.find((d) => d.path === "data.color")).toEqual({
      path: "data.color",
      values: { "c1-lax1": "blue", "c1-sv5": "green" },
      absentOn: [],
    });
    const fan = await call("clusters_exec_all", {
      operation: "pods_list_in_namespace",
      parameters: { namespace: ns },
      clusters: ["c1-lax1", "c1-sv5"],
    });
    const legs = fan.results as { cluster: string; status: string; result?: Record<string, unknown> }[];
    expect(legs.map((l) => [l.cluster, l.status])).toEqual([
      ["c1-lax1", "ok"],
      ["c1-sv5", "ok"],
    ]);
    for (const leg of legs) {
      // Each leg's result is exactly what the operation itself returns, valid against its own schema.
      expectValidStructured(
        tools.get("pods_list_in_namespace"),
        { content: [], structuredContent: leg.result },
        `leg ${leg.cluster}`,
      );
      expect(leg.result?.cluster).toBe(leg.cluster);
    }
    expect(legs[0]?.result?.items).toHaveLength(2);
    expect(legs[1]?.result?.items).toHaveLength(0);
    const sw = await call("clusters_switch", { cluster: "c1-sv5" });
    expect(sw).toEqual({ active: "c1-sv5", previous: "c1-lax1" });
  });

  it("pods_exec (exec STUB of the apiserver's WebSocket endpoint) returns stdout, stderr and exit code", async () => {
    const stub = await startExecStub("exec-token");
    const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-surface-exec-"));
    await writeKubeconfig(
      join(dir, "exec-stub.yaml"),
      "exec-stub",
      stub.url,
      "exec-token",
      Buffer.from(stub.ca).toString("base64"),
    );
    const ex = await startTestServer({ kubeconfig_dir: dir, request_timeout: "2s" });
    try {
      const declared = await declaredTools(ex.client);
      const res = await ex.call("pods_exec", {
        cluster: "exec-stub",
        name: "p1",
        namespace: "ns1",
        container: "app",
        command: ["ls"],
      });
      expectValidStructured(declared.get("pods_exec"), res);
      expect(res.structuredContent).toEqual({
        cluster: "exec-stub",
        container: "app",
        exitCode: 0,
        stdout: "ran: ls\n",
        stderr: "",
        truncated: false,
      });
      covered.add("pods_exec");
    } finally {
      await ex.close();
      await stub.close();
    }
  });

  it("helm and node-proxy tools: releases, revisions, writes and kubelet answers", async () => {
    const chart = chartDir("1.2.0");
    expect(await call("helm_install", { name: "shape", namespace: ns, chart })).toMatchObject({
      revision: 1,
    });
    await call("helm_upgrade", { name: "shape", namespace: ns, chart, values: { greeting: "yo" } });
    await call("helm_rollback", { name: "shape", namespace: ns, revision: 1 });
    const list = await call("helm_list", { namespace: ns });
    expect(list.releases).toEqual([
      expect.objectContaining({ name: "shape", revision: 3, chartVersion: "1.2.0" }),
    ]);
    const get = await call("helm_get", { name: "shape", namespace: ns, revision: 2 });
    expect(get.userValues).toEqual({ greeting: "yo" });
    const hist = await call("helm_history", { name: "shape", namespace: ns });
    expect((hist.revisions as unknown[]).length).toBe(3);
    await call("helm_uninstall", { name: "shape", namespace: ns });
    const proxy = await startProxyNode(lax1!);
    try {
      const log = await call("nodes_log", {
        cluster: "c1-lax1",
        name: proxy.name,
        query: "kubelet",
        tailLines: 1,
      });
      expect(log.log).toBe(`${nodeLogLine(proxy.name, "kubelet", 200)}\n`);
      const stats = await call("nodes_stats_summary", { cluster: "c1-lax1", name: proxy.name });
      expect(stats).toMatchObject({ node: proxy.name, pods: 0 });
    } finally {
      await proxy.stop();
    }
    const merged = await call("clusters_exec_all", {
      operation: "resources_list",
      clusters: ["c1-lax1", "c1-sv5"],
      parameters: { apiVersion: "v1", kind: "ConfigMap", namespace: ns },
      merge: true,
    });
    expect((merged.merged as { clusters: unknown[] }).clusters).toHaveLength(2);
  }, 120_000);

  it("covered every listed tool (nsk_* are listed only with [nsk]; their schemas are checked in the rancher tests)", () => {
    expect([...tools.keys()].filter((n) => !covered.has(n))).toEqual([]);
  });
});
