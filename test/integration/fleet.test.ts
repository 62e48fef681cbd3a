// Fleet operations against real clusters plus broken endpoints: fan-out, fail-fast, cancellation, progress,
// policy, elicitation, compare and the audit trail.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { freshNamespace, statusOf } from "../helpers/cluster-api.js";
import { type FleetDir, makeFleetDir } from "../helpers/fleet.js";
import { resultText, startTestServer, type TestServer } from "../helpers/mcp.js";

const cp = inject("controlplane");
const [sv5, lax1, dfw1] = cp.clusters;

interface Leg {
  cluster: string;
  status: string;
  durationMs: number;
  output?: string;
  result?: Record<string, unknown>;
  error?: string;
}
const legs = (r: { structuredContent?: unknown }): Record<string, Leg> =>
  Object.fromEntries(((r.structuredContent as { results: Leg[] }).results ?? []).map((l) => [l.cluster, l]));

describe("clusters_exec_all", () => {
  let fleet: FleetDir;
  let ts: TestServer;
  let auditFile: string;
  beforeAll(async () => {
    fleet = await makeFleetDir(cp);
    auditFile = join(fleet.dir, "..", `audit-${Date.now()}.jsonl`);
    ts = await startTestServer({ kubeconfig_dir: fleet.dir, auto_discovery: false, audit_log: auditFile });
  });
  afterAll(async () => {
    await ts?.close();
    await fleet?.close();
  });

  it("fans out with partial results, bounded by the per-cluster timeout, without blocking the server", async () => {
    const started = Date.now();
    const call = ts.call("clusters_exec_all", {
      operation: "namespaces_list",
      clusters: ["c1-*", "refused", "hanging"],
      timeout_seconds: 2,
    });
    // Pings while the legs are in flight: the fastest must be well under 100 ms (a blocked server makes all slow).
    const pings: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await ts.client.ping();
      pings.push(performance.now() - t);
    }
    const res = await call;
    const elapsed = Date.now() - started;
    expect(Math.min(...pings)).toBeLessThan(100);
    expect(elapsed).toBeLessThan(5000); // 2 s per-cluster timeout plus slack for a loaded machine
    expect(res.isError).toBeFalsy();
    const byCluster = legs(res);
    for (const c of cp.clusters) {
      expect(byCluster[c.name]?.status).toBe("ok");
      // The text carries each leg's output; the JSON carries its structured result (not the text a second time).
      expect(byCluster[c.name]?.output).toBeUndefined();
      expect(JSON.stringify(byCluster[c.name]?.result)).toContain("kube-system");
    }
    expect(byCluster.refused?.status).toBe("error");
    expect(byCluster.refused?.error).toMatch(/cannot connect .*ECONNREFUSED/);
    expect(byCluster.hanging?.status).toBe("timeout");
    const text = resultText(res);
    expect(text.split("\n")[0]).toMatch(
      /^namespaces_list on 5 clusters: 3\/5 ok, 1 failed, 1 timed out \(\d+ ms\)$/,
    );
    expect(text).toMatch(/=== c1-lax1: ok \(\d+ ms\) ===\nNAME\s+STATUS\s+AGE/);
  });

  it("writes one audit line per leg, linked to the fan-out, with no secrets", async () => {
    const res = await ts.call("clusters_exec_all", { operation: "namespaces_list", clusters: ["c1-*"] });
    const fanoutId = (res.structuredContent as { fanoutId: string }).fanoutId;
    const lines = (await readFile(auditFile, "utf8")).trimEnd().split("\n");
    const records = lines.map(
      (l) =>
        JSON.parse(l) as {
          tool: string;
          cluster?: string;
          fanoutId?: string;
          callId: string;
          outcome: string;
        },
    );
    const legRecords = records.filter((r) => r.fanoutId === fanoutId);
    expect(legRecords.map((r) => r.cluster).sort()).toEqual(["c1-dfw1", "c1-lax1", "c1-sv5"]);
    expect(legRecords.every((r) => r.tool === "namespaces_list" && r.outcome === "ok")).toBe(true);
    expect(records.some((r) => r.tool === "clusters_exec_all" && r.callId === fanoutId)).toBe(true);
    const raw = await readFile(auditFile, "utf8");
    for (const c of cp.clusters) expect(raw).not.toContain(c.adminToken);
  });

  it("stops at the first failure with fail_fast and reports what was skipped", async () => {
    const res = await ts.call("clusters_exec_all", {
      operation: "namespaces_list",
      clusters: ["refused", "c1-sv5", "c1-lax1", "c1-dfw1"],
      concurrency: 1,
      fail_fast: true,
    });
    const byCluster = legs(res);
    expect(byCluster.refused?.status).toBe("error");
    expect([byCluster["c1-sv5"]?.status, byCluster["c1-lax1"]?.status, byCluster["c1-dfw1"]?.status]).toEqual(
      ["skipped", "skipped", "skipped"],
    );
    expect(resultText(res)).toMatch(/0\/4 ok, 1 failed, 3 skipped/);
  });

  it("cancels the legs in flight when the client cancels the call", async () => {
    const before = ts.records.length;
    const controller = new AbortController();
    const pending = ts.client.callTool(
      {
        name: "clusters_exec_all",
        arguments: { operation: "namespaces_list", clusters: ["hanging", "c1-sv5"], timeout_seconds: 30 },
      },
      { signal: controller.signal },
    );
    const soon = { timeout: 5000, interval: 10 };
    await vi.waitFor(() => expect(ts.records.slice(before).map((r) => r.cluster)).toContain("c1-sv5"), soon);
    const abortedAt = Date.now();
    controller.abort();
    await expect(pending).rejects.toThrow();
    await vi.waitFor(() => expect(ts.records.slice(before).map((r) => r.cluster)).toContain("hanging"), soon);
    const hung = ts.records.slice(before).find((r) => r.cluster === "hanging");
    expect(hung?.error).toMatch(/cancelled/);
    expect(Date.now() - abortedAt).toBeLessThan(3000);
  });

  it("sends one progress notification per finished cluster", async () => {
    const seen: { progress: number; total?: number; message?: string }[] = [];
    await ts.client.callTool(
      {
        name: "clusters_exec_all",
        arguments: { operation: "namespaces_list", clusters: ["c1-*", "refused"] },
      },
      {
        onprogress: (p) => {
          seen.push(p);
        },
      },
    );
    expect(seen.map((p) => p.progress).sort()).toEqual([1, 2, 3, 4]);
    expect(seen.every((p) => p.total === 4)).toBe(true);
    expect(seen.some((p) => p.message === "refused: error")).toBe(true);
  });

  it("validates the operation's parameters before anything runs", async () => {
    const before = ts.records.length;
    const res = await ts.call("clusters_exec_all", {
      operation: "resources_get",
      parameters: { kind: "ConfigMap" },
      clusters: ["c1-*"],
    });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(/invalid parameters for resources_get: apiVersion: .*name: /);
    expect(ts.records.slice(before).filter((r) => r.tool === "resources_get")).toHaveLength(0);
    const withCluster = await ts.call("clusters_exec_all", {
      operation: "namespaces_list",
      parameters: { cluster: "c1-sv5" },
    });
    expect(resultText(withCluster)).toMatch(/must not contain `cluster`/);
    const unknownOp = await ts.call("clusters_exec_all", { operation: "clusters_exec_all" });
    expect(unknownOp.isError).toBe(true);
    const unknownCluster = await ts.call("clusters_exec_all", {
      operation: "namespaces_list",
      clusters: ["c2-*"],
    });
    expect(resultText(unknownCluster)).toMatch(/no cluster matches 'c2-\*'/);
  });
});

describe("multi-cluster write safety", () => {
  let ns: string;
  const cm = (name: string) => ({
    operation: "resources_create_or_update",
    parameters: { resource: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${ns}}` },
  });
  const del = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", name, namespace: ns });
  beforeAll(async () => {
    ns = `fleet-${Math.random().toString(36).slice(2, 7)}`;
    for (const c of cp.clusters) {
      const { create } = await import("../helpers/cluster-api.js");
      await create(c, "/api/v1/namespaces", { metadata: { name: ns } });
    }
  });

  it("refuses writes in read-only mode", async () => {
    const ro = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, read_only: true });
    try {
      const res = await ro.call("clusters_exec_all", cm("ro"));
      expect(res.isError).toBe(true);
      expect(resultText(res)).toMatch(/operation/);
      expect(await statusOf(sv5!, `/api/v1/namespaces/${ns}/configmaps/ro`)).toBe(404);
      const tool = (await ro.client.listTools()).tools.find((t) => t.name === "clusters_exec_all");
      expect(tool?.annotations?.readOnlyHint).toBe(true);
    } finally {
      await ro.close();
    }
  });

  it("requires confirmation for a destructive operation on several clusters", async () => {
    const ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, read_only_clusters: ["c1-dfw1"] });
    try {
      const created = await ts.call("clusters_exec_all", { ...cm("doomed"), confirm: true });
      const byCluster = legs(created);
      expect(byCluster["c1-sv5"]?.status).toBe("ok");
      expect(byCluster["c1-dfw1"]?.status).toBe("error");
      expect(byCluster["c1-dfw1"]?.error).toMatch(/read-only \(read_only_clusters\)/);
      expect(await statusOf(dfw1!, `/api/v1/namespaces/${ns}/configmaps/doomed`)).toBe(404);

      const refused = await ts.call("clusters_exec_all", {
        operation: "resources_delete",
        parameters: del("doomed"),
        clusters: ["c1-sv5", "c1-lax1"],
      });
      expect(refused.isError).toBe(true);
      expect(resultText(refused)).toMatch(
        /destructive and would run on 2 clusters; not confirmed.*confirm: true/,
      );
      expect(await statusOf(sv5!, `/api/v1/namespaces/${ns}/configmaps/doomed`)).toBe(200);

      const one = await ts.call("clusters_exec_all", {
        operation: "resources_delete",
        parameters: del("doomed"),
        clusters: ["c1-sv5"],
      });
      expect(legs(one)["c1-sv5"]?.status).toBe("ok");
      const confirmed = await ts.call("clusters_exec_all", {
        operation: "resources_delete",
        parameters: del("doomed"),
        clusters: ["c1-lax1", "c1-sv5"],
        confirm: true,
      });
      expect(legs(confirmed)["c1-lax1"]?.status).toBe("ok");
      expect(await statusOf(lax1!, `/api/v1/namespaces/${ns}/configmaps/doomed`)).toBe(404);
    } finally {
      await ts.close();
    }
  });

  it("asks through elicitation when the client supports it", async () => {
    for (const accept of [false, true]) {
      const ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir }, {}, { elicitation: {} });
      const asked: string[] = [];
      ts.client.setRequestHandler("elicitation/create", async (req) => {
        asked.push(req.params.message);
        return accept ? { action: "accept", content: { confirm: true } } : { action: "decline" };
      });
      try {
        await ts.call("clusters_exec_all", {
          ...cm("elicit"),
          clusters: ["c1-sv5", "c1-lax1"],
          confirm: true,
        });
        const res = await ts.call("clusters_exec_all", {
          operation: "resources_delete",
          parameters: del("elicit"),
          clusters: ["c1-sv5", "c1-lax1"],
        });
        expect(asked.at(-1)).toMatch(/Run resources_delete \(destructive\) on 2 clusters: c1-sv5, c1-lax1\?/);
        expect(res.isError ?? false).toBe(!accept);
        expect(await statusOf(sv5!, `/api/v1/namespaces/${ns}/configmaps/elicit`)).toBe(accept ? 404 : 200);
      } finally {
        await ts.close();
      }
    }
  });
});

describe("clusters_compare", () => {
  let ts: TestServer;
  let ns: string;
  const deployment = (replicas: number, image: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: NS, labels: {app: api}}\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec: {containers: [{name: api, image: '${image}'}, {name: proxy, image: 'envoy:1.30'}]}`;
  beforeAll(async () => {
    ns = await freshNamespace(sv5!, "cmp");
    for (const c of [lax1!, dfw1!]) {
      const { create } = await import("../helpers/cluster-api.js");
      await create(c, "/api/v1/namespaces", { metadata: { name: ns } });
    }
    ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir });
    for (const c of cp.clusters) {
      const planted = c.name === "c1-dfw1";
      const manifest = deployment(
        planted ? 5 : 2,
        planted ? "example/api:1.4.1" : "example/api:1.4.0",
      ).replaceAll("NS", ns);
      expect(
        (await ts.call("resources_create_or_update", { cluster: c.name, resource: manifest })).isError,
      ).toBeFalsy();
    }
    const onlyTwo = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: partial, namespace: ${ns}}\ndata: {k: v}`;
    for (const c of ["c1-sv5", "c1-lax1"])
      await ts.call("resources_create_or_update", { cluster: c, resource: onlyTwo });
  });
  afterAll(async () => ts?.close());

  it("finds the planted replica and image difference and ignores noise", async () => {
    const res = await ts.call("clusters_compare", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "api",
      namespace: ns,
    });
    const text = resultText(res);
    expect(text).toMatch(/1 differ, 0 identical/);
    expect(text).toContain("spec.replicas: 2 on 2 clusters (c1-lax1, c1-sv5); 5 on c1-dfw1");
    expect(text).toContain(
      'spec.template.spec.containers[name=api].image: "example/api:1.4.0" on 2 clusters (c1-lax1, c1-sv5); "example/api:1.4.1" on c1-dfw1',
    );
    expect(text).not.toMatch(/resourceVersion|uid|creationTimestamp|status\./);
    expect(text).not.toContain("envoy");
    const same = await ts.call("clusters_compare", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "api",
      namespace: ns,
      clusters: ["c1-sv5", "c1-lax1"],
    });
    expect(resultText(same)).toMatch(/0 differ, 1 identical/);
  });

  it("reports objects absent on some clusters when comparing a namespace", async () => {
    const res = await ts.call("clusters_compare", { apiVersion: "v1", kind: "ConfigMap", namespace: ns });
    expect(resultText(res)).toMatch(/partial: present on 2 clusters \(c1-lax1, c1-sv5\); absent on c1-dfw1/);
  });
});
