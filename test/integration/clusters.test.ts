// Cluster tools against real clusters: classification, bounded status, switching, isolation, unknown names.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { apiRequest } from "../harness/https.js";
import { type FleetDir, makeFleetDir } from "../helpers/fleet.js";
import { resultText, startTestServer, type TestServer } from "../helpers/mcp.js";

const cp = inject("controlplane");
const [sv5, lax1, dfw1] = cp.clusters;

interface StatusRow {
  cluster: string;
  status: string;
  version?: string;
  latencyMs?: number;
}

describe("clusters_status over a mixed fleet", () => {
  let fleet: FleetDir;
  let ts: TestServer;
  beforeAll(async () => {
    fleet = await makeFleetDir(cp);
    ts = await startTestServer({ kubeconfig_dir: fleet.dir, auto_discovery: false });
  });
  afterAll(async () => {
    await ts?.close();
    await fleet?.close();
  });

  it("classifies every cluster and bounds the whole call by its timeout", async () => {
    const started = Date.now();
    const res = await ts.call("clusters_status", { timeout_seconds: 2 });
    const elapsed = Date.now() - started;
    expect(res.isError).toBeFalsy();
    const rows = (res.structuredContent as { clusters: StatusRow[] }).clusters;
    const byName = Object.fromEntries(rows.map((r) => [r.cluster, r]));
    for (const c of cp.clusters) {
      expect(byName[c.name]?.status).toBe("ok");
      expect(byName[c.name]?.version).toMatch(/^v1\./);
      expect(byName[c.name]?.latencyMs).toBeGreaterThanOrEqual(0);
    }
    expect(byName.refused?.status).toBe("unreachable");
    expect(byName.hanging?.status).toBe("timeout");
    expect(byName.badtoken?.status).toBe("unauthorized");
    expect(byName.badca?.status).toBe("tls-error");
    expect(byName.broken?.status).toBe("bad-kubeconfig");
    expect(elapsed).toBeLessThan(5000); // 2 s timeout plus slack for a loaded machine
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    const text = resultText(res);
    expect(text).toMatch(/^3\/8 clusters ok/);
    expect(text).not.toContain(sv5!.adminToken);
  });

  it("lists a malformed kubeconfig with its error, without hiding the others", async () => {
    const res = await ts.call("clusters_list", { show_details: true });
    const s = res.structuredContent as { clusters: { name: string; error?: string; server?: string }[] };
    const names = s.clusters.map((c) => c.name);
    expect(names).toEqual([
      "badca",
      "badtoken",
      "broken",
      "c1-dfw1",
      "c1-lax1",
      "c1-sv5",
      "hanging",
      "refused",
    ]);
    const broken = s.clusters.find((c) => c.name === "broken");
    expect(broken?.error).toMatch(/broken\.yaml/);
    expect(s.clusters.find((c) => c.name === "c1-sv5")?.server).toBe(sv5!.server);
    const call = await ts.call("namespaces_list", { cluster: "broken" });
    expect(call.isError).toBe(true);
    expect(resultText(call)).toMatch(/on cluster 'broken'.*kubeconfig/);
  });

  it("checks a subset selected by glob", async () => {
    const res = await ts.call("clusters_status", { clusters: ["c1-*"] });
    const rows = (res.structuredContent as { clusters: StatusRow[] }).clusters;
    expect(rows.map((r) => r.cluster).sort()).toEqual(["c1-dfw1", "c1-lax1", "c1-sv5"]);
    expect(rows.every((r) => r.status === "ok")).toBe(true);
  });

  it("gives the read-only identity 'forbidden' only where it lacks RBAC... and 'ok' on reads", async () => {
    const viewer = await startTestServer({ kubeconfig_dir: cp.viewerKubeconfigDir });
    try {
      const res = await viewer.call("clusters_status", {});
      const rows = (res.structuredContent as { clusters: StatusRow[] }).clusters;
      expect(rows.map((r) => r.status)).toEqual(["ok", "ok", "ok"]);
      const denied = await viewer.call("resources_create_or_update", {
        cluster: "c1-lax1",
        resource: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: viewer-denied\n  namespace: default\n",
      });
      expect(denied.isError).toBe(true);
      expect(resultText(denied)).toMatch(/on cluster 'c1-lax1': 403 Forbidden: .*viewer.*Try: .*RBAC/);
    } finally {
      await viewer.close();
    }
  });
});

describe("active cluster, switching and routing", () => {
  let ts: TestServer;
  const ns = `route-${randomBytes(3).toString("hex")}`;
  beforeAll(async () => {
    const target = { server: lax1!.server, ca: lax1!.ca, token: lax1!.adminToken };
    expect((await apiRequest(target, "POST", "/api/v1/namespaces", { metadata: { name: ns } })).status).toBe(
      201,
    );
    ts = await startTestServer({
      kubeconfig_dir: cp.kubeconfigDir,
      default_cluster: "production",
      cluster_aliases: { production: "c1-sv5", "prod-west": "c1-lax1" },
    });
  });
  afterAll(async () => ts?.close());

  it("starts on default_cluster (via alias) and switching changes where calls without `cluster` go", async () => {
    const list = await ts.call("clusters_list", {});
    expect((list.structuredContent as { active: string }).active).toBe("c1-sv5");
    expect(await ts.text("namespaces_list", {})).not.toContain(ns);

    const sw = await ts.call("clusters_switch", { cluster: "prod-west" });
    expect(resultText(sw)).toContain("now 'c1-lax1'");
    expect(await ts.text("namespaces_list", {})).toContain(ns);
    // An explicit cluster still wins over the active one.
    expect(await ts.text("namespaces_list", { cluster: "c1-sv5" })).not.toContain(ns);
    const after = await ts.call("clusters_list", {});
    expect((after.structuredContent as { active: string }).active).toBe("c1-lax1");
  });

  it("lists known clusters, closest first, for an unknown name", async () => {
    const res = await ts.call("namespaces_list", { cluster: "c1-sv4" });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(/unknown cluster 'c1-sv4'; known: c1-sv5/);
    const sw = await ts.call("clusters_switch", { cluster: "nope" });
    expect(sw.isError).toBe(true);
    expect((await ts.call("clusters_list", {})).structuredContent).toMatchObject({ active: "c1-lax1" });
  });

  it("rejects bad input with a clear error and keeps serving", async () => {
    const bad = await ts.call("clusters_switch", { cluster: 42 });
    expect(bad.isError).toBe(true);
    expect(resultText(bad)).toMatch(/cluster/i);
    const ok = await ts.call("clusters_list", {});
    expect(ok.isError).toBeFalsy();
  });
});

describe("environment isolation", () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({
      kubeconfig_dir: cp.kubeconfigDir,
      exclude_clusters: ["c1-dfw*"],
      cluster_aliases: { "prod-east": "c1-dfw1", production: "c1-sv5" },
    });
  });
  afterAll(async () => ts?.close());

  it("makes an excluded cluster invisible and unreachable by name or alias", async () => {
    const list = await ts.call("clusters_list", {});
    const names = (list.structuredContent as { clusters: { name: string }[] }).clusters.map((c) => c.name);
    expect(names).toEqual(["c1-lax1", "c1-sv5"]);
    expect(resultText(list)).not.toContain("c1-dfw1");
    for (const cluster of ["c1-dfw1", "prod-east"]) {
      const res = await ts.call("namespaces_list", { cluster });
      expect(res.isError).toBe(true);
      const sw = await ts.call("clusters_switch", { cluster });
      expect(sw.isError).toBe(true);
    }
    const status = await ts.call("clusters_status", { clusters: ["c1-*"] });
    expect(resultText(status)).not.toContain(dfw1!.name);
  });

  it("applies cluster_pattern from the [nsk] table too", async () => {
    const only = await startTestServer({
      kubeconfig_dir: cp.kubeconfigDir,
      nsk: { cluster_pattern: "^c1-(sv|la)" },
    });
    try {
      const names = (
        (await only.call("clusters_list", {})).structuredContent as { clusters: { name: string }[] }
      ).clusters;
      expect(names.map((c) => c.name)).toEqual(["c1-lax1", "c1-sv5"]);
    } finally {
      await only.close();
    }
  });
});

describe("directory and classic kubeconfig together", () => {
  it("serves both, reports a name collision in list and status, and the directory wins", async () => {
    const { mkdtemp, copyFile } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-both-"));
    await copyFile(lax1!.kubeconfig, join(dir, "c1-lax1.yaml"));
    await copyFile(sv5!.kubeconfig, join(dir, "c1-sv5.yaml"));
    // The classic file's context "c1-sv5" collides with the directory's c1-sv5.yaml.
    const ts = await startTestServer({ kubeconfig_dir: dir, kubeconfig: cp.classicKubeconfig });
    try {
      const list = await ts.call("clusters_list", { show_details: true });
      const s = list.structuredContent as {
        clusters: { name: string; source?: string }[];
        problems: { kind: string; message: string }[];
      };
      expect(s.clusters.map((c) => `${c.name}:${c.source}`)).toEqual([
        "c1-dfw1:classic",
        "c1-lax1:dir",
        "c1-sv5:dir",
      ]);
      expect(
        s.problems
          .filter((p) => p.kind === "collision")
          .map((p) => p.message)
          .join("\n"),
      ).toMatch(/c1-sv5/);
      const status = await ts.call("clusters_status", {});
      expect(resultText(status)).toMatch(/^3\/3 clusters ok/);
      expect(resultText(status)).toMatch(/problem \(collision\): .*c1-sv5/);
      // The classic file's current-context (c1-sv5) is the initial active cluster when no default_cluster is set.
      expect((list.structuredContent as { active: string }).active).toBe("c1-sv5");
      expect(await ts.text("namespaces_list", { cluster: "c1-dfw1" })).toContain("kube-system");
    } finally {
      await ts.close();
    }
  });
});
