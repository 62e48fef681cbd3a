// auto_discovery and credential changes on disk take effect without a restart.
import { copyFile, mkdir, mkdtemp, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { waitUntil } from "../helpers/cluster-api.js";
import { writeKubeconfig } from "../helpers/fleet.js";
import { resultText, startTestServer, type TestServer } from "../helpers/mcp.js";

const cp = inject("controlplane");
const [sv5, lax1] = cp.clusters;

async function names(ts: TestServer): Promise<string[]> {
  const res = await ts.call("clusters_list", {});
  return (res.structuredContent as { clusters: { name: string }[] }).clusters.map((c) => c.name);
}

const until = (what: string, check: () => Promise<boolean>): Promise<void> => waitUntil(what, check, 5000);

describe("live kubeconfig directory", () => {
  let dir: string;
  let ts: TestServer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "k8s-mcp-live-"));
    await copyFile(sv5!.kubeconfig, join(dir, "c1-sv5.yaml"));
    ts = await startTestServer({ kubeconfig_dir: dir, auto_discovery: true });
  });
  afterAll(async () => {
    await ts?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("picks up added files and drops removed ones without restart", async () => {
    expect(await names(ts)).toEqual(["c1-sv5"]);
    await copyFile(lax1!.kubeconfig, join(dir, "c1-lax1.yaml"));
    await until("c1-lax1 to appear", async () => (await names(ts)).includes("c1-lax1"));
    expect(resultText(await ts.call("namespaces_list", { cluster: "c1-lax1" }))).toContain("kube-system");
    await rm(join(dir, "c1-lax1.yaml"));
    await until("c1-lax1 to disappear", async () => !(await names(ts)).includes("c1-lax1"));
    expect((await ts.call("namespaces_list", { cluster: "c1-lax1" })).isError).toBe(true);
  });

  it("applies default_cluster as soon as its file appears, for a session that started without it", async () => {
    const empty = await mkdtemp(join(tmpdir(), "k8s-mcp-late-"));
    const late = await startTestServer({
      kubeconfig_dir: empty,
      default_cluster: "c1-lax1",
      auto_discovery: true,
    });
    try {
      expect((await late.call("clusters_list", {})).structuredContent).toMatchObject({ active: null });
      // Nothing to select yet: the answer says why and what would add a cluster, never "call clusters_switch".
      const none = resultText(await late.call("namespaces_list", {}));
      expect(none).toMatch(/no clusters are available.*put one kubeconfig file per cluster in/);
      expect(none).not.toContain("clusters_switch");
      await copyFile(lax1!.kubeconfig, join(empty, "c1-lax1.yaml"));
      await until("c1-lax1 to appear", async () => (await names(late)).includes("c1-lax1"));
      expect(resultText(await late.call("namespaces_list", {}))).toContain("kube-system");
    } finally {
      await late.close();
    }
  });

  it("picks up a directory that did not exist at startup, and one that was deleted and recreated", async () => {
    const parent = await mkdtemp(join(tmpdir(), "k8s-mcp-later-"));
    const later = join(parent, "clusters");
    const ts2 = await startTestServer({ kubeconfig_dir: later, auto_discovery: true });
    try {
      expect(await names(ts2)).toEqual([]);
      await mkdir(later);
      await copyFile(sv5!.kubeconfig, join(later, "c1-sv5.yaml"));
      expect(await names(ts2)).toEqual(["c1-sv5"]);
      await rm(later, { recursive: true });
      await mkdir(later);
      await copyFile(lax1!.kubeconfig, join(later, "c1-lax1.yaml"));
      await until("the recreated directory to be read", async () => (await names(ts2)).join() === "c1-lax1");
    } finally {
      await ts2.close();
    }
  });

  it("uses new credentials on the next call after the file changes", async () => {
    const file = join(dir, "c1-sv5.yaml");
    const caData = Buffer.from(sv5!.ca).toString("base64");
    expect((await ts.call("namespaces_list", { cluster: "c1-sv5" })).isError).toBeFalsy();
    await writeKubeconfig(file, "c1-sv5", sv5!.server, "revoked-token", caData);
    await utimes(file, new Date(), new Date(Date.now() + 2000));
    const denied = await ts.call("namespaces_list", { cluster: "c1-sv5" });
    expect(denied.isError).toBe(true);
    expect(resultText(denied)).toMatch(/401 Unauthorized/);
    await writeKubeconfig(file, "c1-sv5", sv5!.server, sv5!.adminToken, caData);
    await utimes(file, new Date(), new Date(Date.now() + 4000));
    expect((await ts.call("namespaces_list", { cluster: "c1-sv5" })).isError).toBeFalsy();
  });

  it("addresses a file's other contexts as <file>/<context>", async () => {
    const file = join(dir, "multi.yaml");
    const caData = Buffer.from(lax1!.ca).toString("base64");
    await writeKubeconfig(file, "multi", "https://127.0.0.1:1", lax1!.adminToken, caData, [
      { name: "multi-fqdn", server: lax1!.server },
    ]);
    await until("multi to appear", async () => (await names(ts)).includes("multi"));
    const via = await ts.call("namespaces_list", { cluster: "multi/multi-fqdn" });
    expect(via.isError).toBeFalsy();
    expect(resultText(via)).toContain("kube-system");
    const direct = await ts.call("namespaces_list", { cluster: "multi" });
    expect(resultText(direct)).toMatch(/cannot connect|ECONNREFUSED/);
    // An alias, and default_cluster, may name a <file>/<context> address.
    const aliased = await startTestServer({
      kubeconfig_dir: dir,
      cluster_aliases: { "multi-direct": "multi/multi-fqdn" },
      default_cluster: "multi-direct",
    });
    try {
      expect(resultText(await aliased.call("namespaces_list", { cluster: "multi-direct" }))).toContain(
        "kube-system",
      );
      expect(resultText(await aliased.call("namespaces_list", {}))).toContain("kube-system");
      expect((await aliased.call("clusters_list", {})).structuredContent).toMatchObject({
        active: "multi/multi-fqdn",
      });
    } finally {
      await aliased.close();
    }
    const missing = await ts.call("namespaces_list", { cluster: "multi/nope" });
    expect(resultText(missing)).toMatch(/has no context 'nope'.*multi-fqdn/);
  });
});
