// Helm tools under the server's policy: read_only, disable_destructive, read_only_clusters, denied_resources (on the
// release records and on every object a chart renders, hooks included), confirm_clusters, RBAC, a missing helm
// binary and hostile arguments. After each refusal the cluster is unchanged.
import { readdir, readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { ensureHelm } from "../../harness/helm.js";
import { apiRequest } from "../../harness/https.js";
import { admin, freshNamespace, statusOf } from "../../helpers/cluster-api.js";
import { type FleetDir, makeFleetDir } from "../../helpers/fleet.js";
import { chartDir } from "../../helpers/helm-cli.js";
import { type ConfigInput, resultText, startTestServer, type TestServer } from "../../helpers/mcp.js";

const cp = inject("controlplane");
const c0 = cp.clusters[0]!;
let fleet: FleetDir;
let helm: string;
let ns: string;

beforeAll(async () => {
  fleet = await makeFleetDir(cp, { broken: false });
  helm = await ensureHelm();
  ns = await freshNamespace(c0, "helmpol");
}, 180_000);

afterAll(async () => {
  await fleet?.close();
});

async function withServer(config: ConfigInput, fn: (ts: TestServer) => Promise<void>): Promise<void> {
  const ts = await startTestServer({
    kubeconfig_dir: fleet.dir,
    auto_discovery: false,
    helm_path: helm,
    ...config,
  });
  try {
    await fn(ts);
  } finally {
    await ts.close();
  }
}

const install = (name: string) => ({ cluster: c0.name, name, namespace: ns, chart: chartDir("1.2.0") });
const recordPath = (name: string) => `/api/v1/namespaces/${ns}/secrets/sh.helm.release.v1.${name}.v1`;

describe("helm tools under policy", () => {
  it("read_only lists the readers only; disable_destructive hides upgrade, rollback and uninstall", async () => {
    await withServer({ read_only: true }, async (ts) => {
      const names = (await ts.client.listTools()).tools.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(["helm_list", "helm_get", "helm_history", "nodes_log"]));
      expect(names.filter((n) => /^helm_(install|upgrade|rollback|uninstall)$/.test(n))).toEqual([]);
      const r = await ts.call("helm_install", install("ro"));
      expect(r.isError).toBe(true);
    });
    await withServer({ disable_destructive: true }, async (ts) => {
      const names = (await ts.client.listTools()).tools.map((t) => t.name);
      expect(names).toContain("helm_install");
      expect(names.filter((n) => /^helm_(upgrade|rollback|uninstall)$/.test(n))).toEqual([]);
    });
    expect(await statusOf(c0, recordPath("ro"))).toBe(404);
  }, 60_000);

  it("annotations: install adds, the others are destructive, readers are read-only", async () => {
    await withServer({}, async (ts) => {
      const tools = new Map((await ts.client.listTools()).tools.map((t) => [t.name, t.annotations]));
      expect(tools.get("helm_install")).toMatchObject({ readOnlyHint: false, destructiveHint: false });
      for (const n of ["helm_upgrade", "helm_rollback", "helm_uninstall"])
        expect(tools.get(n)).toMatchObject({ readOnlyHint: false, destructiveHint: true });
      for (const n of ["helm_list", "helm_get", "helm_history", "nodes_log", "nodes_stats_summary"])
        expect(tools.get(n)).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    });
  });

  it("read_only_clusters and confirm_clusters refuse a write before helm runs", async () => {
    await withServer({ read_only_clusters: [c0.name] }, async (ts) => {
      const r = await ts.call("helm_install", install("roc"));
      expect(r.isError).toBe(true);
      expect(resultText(r)).toContain("read_only_clusters");
    });
    await withServer({ confirm_clusters: [c0.name] }, async (ts) => {
      const r = await ts.call("helm_install", install("conf"));
      expect(r.isError).toBe(true);
      expect(resultText(r)).toContain("confirm_clusters");
      expect(await statusOf(c0, recordPath("conf"))).toBe(404);
      // "Write" is the verb helm would use: a read needs no confirmation, a confirmed install runs.
      const read = await ts.call("helm_list", { cluster: c0.name, namespace: ns });
      expect(read.isError, resultText(read)).toBeFalsy();
      const ok = await ts.call("helm_install", { ...install("confok"), confirm: true });
      expect(ok.isError, resultText(ok)).toBeFalsy();
      expect(await statusOf(c0, recordPath("confok"))).toBe(200);
      await ts.call("helm_uninstall", { cluster: c0.name, namespace: ns, name: "confok", confirm: true });
    });
    expect(await statusOf(c0, recordPath("roc"))).toBe(404);
    expect(await statusOf(c0, recordPath("conf"))).toBe(404);
  }, 60_000);

  it("denied_resources Secret: a release record read is a Secret read, and writes are refused too", async () => {
    await withServer({ denied_resources: [{ kind: "Secret" }] }, async (ts) => {
      for (const [tool, args] of [
        ["helm_list", { cluster: c0.name, namespace: ns }],
        ["helm_get", { cluster: c0.name, namespace: ns, name: "web" }],
        ["helm_history", { cluster: c0.name, namespace: ns, name: "web" }],
        ["helm_install", install("denied")],
      ] as const) {
        const r = await ts.call(tool, args);
        expect(r.isError, tool).toBe(true);
        expect(resultText(r)).toContain("denied_resources");
      }
    });
    expect(await statusOf(c0, recordPath("denied"))).toBe(404);
  }, 60_000);

  it("RBAC: a viewer identity reads releases but helm's writes are forbidden by the apiserver", async () => {
    await withServer({ kubeconfig_dir: cp.viewerKubeconfigDir }, async (ts) => {
      const list = await ts.call("helm_list", { cluster: c0.name, namespace: ns });
      expect(list.isError, resultText(list)).toBeFalsy();
      const r = await ts.call("helm_install", install("viewer"));
      expect(r.isError).toBe(true);
      expect(resultText(r)).toMatch(/forbidden/i);
    });
    expect(await statusOf(c0, recordPath("viewer"))).toBe(404);
  }, 120_000);

  it("hostile arguments are refused before helm runs; a missing helm says how to fix it", async () => {
    await withServer({}, async (ts) => {
      for (const chart of ["--post-renderer=/bin/sh", "-f/etc/passwd"]) {
        const r = await ts.call("helm_install", { ...install("evil"), chart });
        expect(r.isError).toBe(true);
        expect(resultText(r)).toContain("not an option");
      }
      for (const name of ["--kube-context=other", "Bad_Name", "x".repeat(60)]) {
        const r = await ts.call("helm_install", { ...install("x"), name });
        expect(r.isError).toBe(true);
        expect(resultText(r)).toContain("invalid release name");
      }
      const extra = await ts.call("helm_install", { ...install("x"), post_renderer: "/bin/sh" });
      expect(extra.isError).toBe(true);
    });
    await withServer({ helm_path: "/nonexistent/helm" }, async (ts) => {
      const r = await ts.call("helm_install", install("nohelm"));
      expect(r.isError).toBe(true);
      expect(resultText(r)).toContain("was not found");
      expect(resultText(r)).toContain("helm_path");
      const list = await ts.call("helm_list", { cluster: c0.name, namespace: ns });
      expect(list.isError, resultText(list)).toBeFalsy();
    });
    expect(await statusOf(c0, recordPath("evil"))).toBe(404);
  }, 60_000);

  it("cancellation stops helm: the call ends and helm's process is gone", async () => {
    await withServer({}, async (ts) => {
      const controller = new AbortController();
      const name = `cancel-${Date.now().toString(36)}`;
      // The chart's post-install hook is a Job nothing here completes, so helm waits until it is stopped.
      const pending = ts.client
        .callTool(
          {
            name: "helm_install",
            arguments: {
              cluster: c0.name,
              name,
              namespace: ns,
              chart: chartDir("hook-never-done"),
              timeout_seconds: 600,
            },
          },
          { signal: controller.signal, timeout: 120_000 },
        )
        .catch((e: Error) => e);
      await vi.waitFor(async () => expect(await helmProcesses(name)).not.toEqual([]), { timeout: 30_000 });
      controller.abort();
      await pending;
      await vi.waitFor(async () => expect(await helmProcesses(name)).toEqual([]), { timeout: 10_000 });
    });
  }, 90_000);
});

const record = (name: string, v: number) =>
  `/api/v1/namespaces/${ns}/secrets/sh.helm.release.v1.${name}.v${v}`;
const configMap = (name: string) => `/api/v1/namespaces/${ns}/configmaps/${name}-config`;
const secret = (name: string) => `/api/v1/namespaces/${ns}/secrets/${name}-db`;
const DENY_CM: ConfigInput = { denied_resources: [{ kind: "ConfigMap" }] };

describe("denied_resources on the objects a chart renders", () => {
  it("install of a chart rendering a denied kind is refused, dry run or not; nothing is created", async () => {
    await withServer(DENY_CM, async (ts) => {
      for (const dry_run of [false, true]) {
        const r = await ts.call("helm_install", {
          cluster: c0.name,
          name: "dcm",
          namespace: ns,
          chart: chartDir("1.2.0"),
          dry_run,
        });
        expect(r.isError).toBe(true);
        const text = resultText(r);
        expect(text).toContain(
          `helm install of ${ns}/dcm on cluster '${c0.name}' is refused before any change`,
        );
        expect(text).toContain("the chart renders ConfigMap 'dcm-config' (apiVersion v1, manifest)");
        expect(text).toContain("denied_resources");
      }
    });
    expect(await statusOf(c0, record("dcm", 1))).toBe(404);
    expect(await statusOf(c0, configMap("dcm"))).toBe(404);
    expect(await statusOf(c0, secret("dcm"))).toBe(404);
  }, 120_000);

  it("a denied kind in a hook (batch Job) refuses the install; a denial matching nothing lets it through", async () => {
    await withServer({ denied_resources: [{ group: "batch", kind: "Job" }] }, async (ts) => {
      const r = await ts.call("helm_install", {
        cluster: c0.name,
        name: "dhook",
        namespace: ns,
        chart: chartDir("hook-never-done"),
      });
      expect(r.isError).toBe(true);
      expect(resultText(r)).toContain(
        "the chart renders Job 'dhook-hook' (apiVersion batch/v1, hook hook-never-done/templates/job.yaml)",
      );
      expect(resultText(r)).toContain("denied_resources");
      // Same server, a chart with no Job: installed (the check refuses only what is denied).
      const ok = await ts.call("helm_install", {
        cluster: c0.name,
        name: "nojob",
        namespace: ns,
        chart: chartDir("1.1.9"),
      });
      expect(ok.isError, resultText(ok)).toBeFalsy();
    });
    expect(await statusOf(c0, record("dhook", 1))).toBe(404);
    expect(await statusOf(c0, `/apis/batch/v1/namespaces/${ns}/jobs/dhook-hook`)).toBe(404);
    expect(await statusOf(c0, record("nojob", 1))).toBe(200);
    expect(await statusOf(c0, configMap("nojob"))).toBe(200);
  }, 120_000);

  it("upgrade and rollback to a revision rendering a denied kind are refused; no new revision is written", async () => {
    await withServer({}, async (ts) => {
      const base = { cluster: c0.name, name: "drb", namespace: ns };
      for (const [tool, args] of [
        ["helm_install", { ...base, chart: chartDir("1.1.9") }],
        ["helm_upgrade", { ...base, chart: chartDir("1.2.0") }],
      ] as const) {
        const r = await ts.call(tool, args);
        expect(r.isError, resultText(r)).toBeFalsy();
      }
    });
    const before = await cmVersion("drb");
    expect(before).toBe("1.2.0");
    await withServer(DENY_CM, async (ts) => {
      const up = await ts.call("helm_upgrade", {
        cluster: c0.name,
        name: "drb",
        namespace: ns,
        chart: chartDir("1.1.9"),
      });
      expect(up.isError).toBe(true);
      expect(resultText(up)).toContain("helm upgrade of");
      expect(resultText(up)).toContain("the chart renders ConfigMap 'drb-config'");
      const back = await ts.call("helm_rollback", { cluster: c0.name, name: "drb", namespace: ns });
      expect(back.isError).toBe(true);
      expect(resultText(back)).toContain("helm rollback of");
      expect(resultText(back)).toContain(
        "the chart renders ConfigMap 'drb-config' (apiVersion v1, revision 1's manifest)",
      );
      expect(resultText(back)).toContain("denied_resources");
    });
    expect(await statusOf(c0, record("drb", 3))).toBe(404);
    expect(await cmVersion("drb")).toBe("1.2.0");
    // A denial the revision does not touch: the rollback runs and writes revision 3.
    await withServer({ denied_resources: [{ group: "apps", kind: "Deployment" }] }, async (ts) => {
      const back = await ts.call("helm_rollback", { cluster: c0.name, name: "drb", namespace: ns });
      expect(back.isError, resultText(back)).toBeFalsy();
    });
    expect(await statusOf(c0, record("drb", 3))).toBe(200);
    expect(await cmVersion("drb")).toBe("1.1.9");
  }, 180_000);
});

// The chart version the release's ConfigMap carries on the cluster (what the last applied revision wrote).
async function cmVersion(name: string): Promise<string | undefined> {
  const res = await apiRequest(admin(c0), "GET", configMap(name));
  return (JSON.parse(res.body) as { data?: { chartVersion?: string } }).data?.chartVersion;
}

// helm processes whose command line names this release (the server's child, found through /proc).
async function helmProcesses(release: string): Promise<string[]> {
  const out: string[] = [];
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const cmd = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    const args = cmd.split("\0");
    if (args.some((a) => a.endsWith("/helm")) && args.includes(release)) out.push(pid);
  }
  return out;
}
