// Fault matrix, input sizes: huge kubeconfig files and manifests are refused before parsing, with an error
// naming the limit and its setting; the server keeps serving and memory stays bounded.
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { apiRequest } from "../../harness/https.js";
import { admin, freshNamespace } from "../../helpers/cluster-api.js";
import { resultText, startTestServer, type TestServer } from "../../helpers/mcp.js";

const cp = inject("controlplane");
const [sv5, lax1] = cp.clusters;
const MiB = 1024 * 1024;

function heapMiB(): number {
  return process.memoryUsage().heapUsed / MiB;
}

describe("kubeconfig file size limit", () => {
  let dir: string;
  let ts: TestServer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "k8s-mcp-limits-"));
    await copyFile(sv5!.kubeconfig, join(dir, `${sv5!.name}.yaml`));
    await copyFile(lax1!.kubeconfig, join(dir, `${lax1!.name}.yaml`));
    // 70 MB of YAML-looking text: parsing it took 12-30 s and a 2 GB heap before the limit.
    const line = "# padding padding padding padding padding padding padding padding padding\n";
    await writeFile(join(dir, "huge.yaml"), line.repeat(Math.ceil((70 * MiB) / line.length)));
    ts = await startTestServer({ kubeconfig_dir: dir, auto_discovery: false });
  });
  afterAll(async () => {
    await ts?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("clusters_list {show_details} answers fast, the huge file's row names the limit and setting", async () => {
    const heapBefore = heapMiB();
    const started = Date.now();
    const res = await ts.call("clusters_list", { show_details: true });
    const elapsed = Date.now() - started;
    expect(res.isError).toBeFalsy();
    const rows = (res.structuredContent as { clusters: { name: string; error?: string; server?: string }[] })
      .clusters;
    const huge = rows.find((r) => r.name === "huge");
    expect(huge?.error).toMatch(/over the limit of 4194304 bytes \(setting max_kubeconfig_bytes\)/);
    expect(rows.find((r) => r.name === sv5!.name)?.server).toBe(sv5!.server);
    expect(elapsed).toBeLessThan(3000);
    const growth = heapMiB() - heapBefore;
    process.stderr.write(
      `[faults/limits] clusters_list over a 70 MB file: ${elapsed} ms, heap +${growth.toFixed(1)} MiB\n`,
    );
    expect(growth).toBeLessThan(64);
  });

  it("a call on the huge cluster is an actionable error; the next call on a real cluster is served", async () => {
    const r = await ts.call("namespaces_list", { cluster: "huge" });
    expect(r.isError).toBe(true);
    expect(resultText(r)).toMatch(/max_kubeconfig_bytes/);
    const ok = await ts.call("namespaces_list", { cluster: lax1!.name });
    expect(ok.isError).toBeFalsy();
    expect((ok.structuredContent as { cluster: string }).cluster).toBe(lax1!.name);
  });

  it("a classic kubeconfig over the limit is reported at startup, naming the setting", async () => {
    const big = join(dir, "classic-big.conf");
    await writeFile(big, "#".repeat(2 * MiB));
    const small = await startTestServer({ kubeconfig: big, max_kubeconfig_bytes: MiB });
    try {
      const problems = small.deps.clusters.problems().map((p) => p.message);
      expect(problems.join("\n")).toMatch(
        /classic-big\.conf is 2097152 bytes, over the limit of 1048576 bytes \(setting max_kubeconfig_bytes\)/,
      );
    } finally {
      await small.close();
    }
  });
});

describe("manifest size and document limits", () => {
  let ts: TestServer;
  let ns: string;
  beforeAll(async () => {
    ns = await freshNamespace(sv5!, "limits");
    ts = await startTestServer({
      kubeconfig_dir: cp.kubeconfigDir,
      auto_discovery: false,
      max_manifest_documents: 3,
    });
  });
  afterAll(async () => {
    await ts?.close();
  });

  const configMaps = async (): Promise<string[]> => {
    const res = await apiRequest(admin(sv5!), "GET", `/api/v1/namespaces/${ns}/configmaps`);
    return (JSON.parse(res.body) as { items: { metadata: { name: string } }[] }).items.map(
      (i) => i.metadata.name,
    );
  };
  const cm = (name: string): string =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${ns}}\n`;

  it("200,000 empty documents are refused before parsing, fast and without heap growth", async () => {
    const heapBefore = heapMiB();
    const started = Date.now();
    const r = await ts.call("resources_create_or_update", {
      cluster: sv5!.name,
      resource: "---\n".repeat(200_000),
    });
    const elapsed = Date.now() - started;
    expect(r.isError).toBe(true);
    expect(resultText(r)).toMatch(
      /200001 YAML documents, over the limit of 3 \(setting max_manifest_documents\)/,
    );
    expect(elapsed).toBeLessThan(2000);
    const growth = heapMiB() - heapBefore;
    process.stderr.write(
      `[faults/limits] 200k empty documents: ${elapsed} ms, heap +${growth.toFixed(1)} MiB\n`,
    );
    expect(growth).toBeLessThan(64);
  });

  it("one document over the limit refuses the whole manifest: nothing is created", async () => {
    const r = await ts.call("resources_create_or_update", {
      cluster: sv5!.name,
      resource: ["a", "b", "c", "d"].map((n) => cm(`lim-${n}`)).join("---\n"),
    });
    expect(r.isError).toBe(true);
    expect(resultText(r)).toMatch(/max_manifest_documents/);
    expect(await configMaps()).toEqual([]);
  });

  it("exactly at the limit applies", async () => {
    const r = await ts.call("resources_create_or_update", {
      cluster: sv5!.name,
      resource: ["a", "b", "c"].map((n) => cm(`lim-${n}`)).join("---\n"),
    });
    expect(r.isError, resultText(r)).toBeFalsy();
    expect((await configMaps()).sort()).toEqual(["lim-a", "lim-b", "lim-c"]);
  });

  it("a manifest over max_manifest_bytes is refused, naming the setting", async () => {
    const small = await startTestServer({
      kubeconfig_dir: cp.kubeconfigDir,
      auto_discovery: false,
      max_manifest_bytes: 1024,
    });
    try {
      const r = await small.call("resources_create_or_update", {
        cluster: sv5!.name,
        resource: `${cm("lim-big")}data:\n  k: ${"v".repeat(2000)}\n`,
      });
      expect(r.isError).toBe(true);
      expect(resultText(r)).toMatch(/over the limit of 1024 bytes \(setting max_manifest_bytes\)/);
      expect(await configMaps()).not.toContain("lim-big");
    } finally {
      await small.close();
    }
  });
});
