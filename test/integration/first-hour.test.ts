// A newcomer's first calls on real clusters: one cluster is simply active, ~/.kube-shaped directories explain
// themselves, every text names its cluster, and hints name what this tool and this cluster really take.
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse } from "yaml";
import { create, freshNamespace } from "../helpers/cluster-api.js";
import { resultText, startTestServer, type TestServer } from "../helpers/mcp.js";

const cp = inject("controlplane");
const [sv5] = cp.clusters;

describe("a directory holding one kubeconfig", () => {
  let dir: string;
  let ts: TestServer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "k8s-mcp-one-"));
    await copyFile(sv5!.kubeconfig, join(dir, "c1-sv5.yaml"));
    const ns = await freshNamespace(sv5!, "first");
    for (const name of ["a", "b"])
      await create(sv5!, `/api/v1/namespaces/${ns}/pods`, {
        metadata: { name },
        spec: { containers: [{ name: "main", image: "registry.k8s.io/pause:3.10" }] },
      });
    ts = await startTestServer({ kubeconfig_dir: dir });
  });
  afterAll(async () => {
    await ts?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("makes that cluster active, so the first natural call just works and names it", async () => {
    expect((await ts.call("clusters_list")).structuredContent).toMatchObject({ active: "c1-sv5" });
    const pods = await ts.call("pods_list");
    expect(pods.isError, resultText(pods)).toBeFalsy();
    const count = (pods.structuredContent as { count: number }).count;
    expect(resultText(pods).split("\n")[0]).toBe(`cluster c1-sv5 · ${count} pod${count === 1 ? "" : "s"}`);
  });

  it("names the cluster as a YAML comment above a YAML object, which still parses", async () => {
    const text = resultText(
      await ts.call("resources_get", { apiVersion: "v1", kind: "Namespace", name: "kube-system" }),
    );
    expect(text.split("\n")[0]).toBe("# cluster c1-sv5 · Namespace kube-system");
    expect(parse(text)).toMatchObject({ kind: "Namespace", metadata: { name: "kube-system" } });
  });

  it("points a kind asked in the wrong apiVersion at the one this cluster serves it in", async () => {
    const res = await ts.call("resources_list", { apiVersion: "v1", kind: "deployment" });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(
      /v1 has no kind 'deployment' on cluster 'c1-sv5'.*Try: use apiVersion 'apps\/v1', which serves it/,
    );
  });

  it("pages pods_list with its own parameters: no `namespace`, which pods_list refuses", async () => {
    const res = await ts.call("pods_list", { limit: 1 });
    const text = resultText(res);
    expect(text).toMatch(
      /call again with continue="[^"]+" \(or narrow with labelSelector or fieldSelector, or list one namespace with pods_list_in_namespace\)/,
    );
    const next = await ts.call("pods_list", { namespace: "kube-system" });
    expect(next.isError).toBe(true); // the note does not suggest what this tool refuses
  });
});

describe("a directory shaped like ~/.kube", () => {
  let dir: string;
  let ts: TestServer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "k8s-mcp-dotkube-"));
    await copyFile(sv5!.kubeconfig, join(dir, "config"));
    await mkdir(join(dir, "cache"));
    ts = await startTestServer({ kubeconfig_dir: dir });
  });
  afterAll(async () => {
    await ts?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("says at start-up and in clusters_list which files it skipped and what to do", async () => {
    const config = join(dir, "config");
    expect(ts.logs.join("\n")).toContain(`skipped ${config}: it has no .yaml, .yml or .kubeconfig extension`);
    const list = await ts.call("clusters_list");
    const text = resultText(list);
    expect(text).toMatch(/^No clusters: /);
    expect(text).toContain(`pass the single file with --kubeconfig ${config}`);
    expect(text).not.toMatch(/clusters_switch|nsk_refresh/);
    const problems = (list.structuredContent as { problems: { kind: string; file?: string }[] }).problems;
    expect(problems.filter((p) => p.kind === "skipped").map((p) => p.file)).toEqual(
      expect.arrayContaining([config, join(dir, "cache")]),
    );
  });

  it("answers a cluster call with why the fleet is empty, not with advice that cannot work", async () => {
    const text = resultText(await ts.call("namespaces_list"));
    expect(text).toMatch(/no clusters are available/);
    expect(text).not.toMatch(/clusters_switch|known clusters/);
  });

  it("--kubeconfig <a directory> is pointed at --kubeconfig-dir", async () => {
    const classic = await startTestServer({ kubeconfig: dir });
    try {
      const text = resultText(await classic.call("clusters_list"));
      expect(text).toContain(
        `kubeconfig ${dir} is a directory: pass a directory of kubeconfig files with --kubeconfig-dir ${dir}`,
      );
      expect(text).not.toContain("EISDIR");
    } finally {
      await classic.close();
    }
  });
});

describe("a tool the policy hides", () => {
  it("says which setting hides it, and runs nothing", async () => {
    const ro = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, read_only: true });
    const nd = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, disable_destructive: true });
    try {
      const listed = (await ro.client.listTools()).tools.map((t) => t.name);
      expect(listed).not.toContain("pods_delete");
      const res = await ro.call("pods_delete", { cluster: "c1-sv5", name: "x", namespace: "default" });
      expect(res.isError).toBe(true);
      expect(resultText(res)).toMatch(
        /^pods_delete is not available on this server: it is hidden by read_only \(--read-only\)/,
      );
      const del = await nd.call("resources_delete", {
        cluster: "c1-sv5",
        apiVersion: "v1",
        kind: "ConfigMap",
        name: "x",
      });
      expect(resultText(del)).toContain("hidden by disable_destructive (--disable-destructive)");
      expect([...ro.records, ...nd.records]).toEqual([]); // no tool ran, no audit record
    } finally {
      await ro.close();
      await nd.close();
    }
  });
});

describe("fan-out legs", () => {
  it("keep their section header and carry no second cluster line", async () => {
    const ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir });
    try {
      const text = resultText(
        await ts.call("clusters_exec_all", { operation: "namespaces_list", clusters: ["c1-sv5", "c1-lax1"] }),
      );
      expect(text).toMatch(/=== c1-sv5: ok \([^)]*\) ===\nNAME/);
      expect(text).not.toContain("cluster c1-sv5 ·");
    } finally {
      await ts.close();
    }
  });
});
