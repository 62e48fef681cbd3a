// Isolation on every address form, against real clusters through a real MCP client: a cluster the configuration
// hides is unreachable by its name, an alias, `<file>/<context>`, a symlink or hard link to its file, a context (in
// a visible file or a classic kubeconfig) aimed at its API server, and through every fleet tool's selectors.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { create, freshNamespace } from "../../helpers/cluster-api.js";
import { resultText, startTestServer, type TestServer } from "../../helpers/mcp.js";
import { aliasFile, everything, tempDir, writeMulti } from "./helpers.js";

const cp = inject("controlplane");
const [sv5, lax1, dfw1] = cp.clusters;

describe("hidden clusters are unreachable by every address form", () => {
  let ts: TestServer;
  let marker = ""; // a namespace that exists only on the hidden cluster (lax1)
  const hiddenAddresses: string[] = [];

  beforeAll(async () => {
    marker = await freshNamespace(lax1!, "hidden-marker");
    const dir = await tempDir("iso");
    const sandbox = join(dir, "iad0-sandbox.yaml");
    await aliasFile("copy", lax1!.kubeconfig, sandbox); // hidden by exclude_clusters "iad0-*"
    await aliasFile("copy", sv5!.kubeconfig, join(dir, "c1-sv5.yaml"));
    await aliasFile("symlink", sandbox, join(dir, "c1-x.yaml")); // a visible name for the hidden file
    await aliasFile("hardlink", sandbox, join(dir, "c1-hard.yaml")); // the same inode under a visible name
    await writeMulti(join(dir, "c1-samesrv.yaml"), lax1!, {}); // another file, the hidden cluster's server
    await writeMulti(join(dir, "c1-multi.yaml"), dfw1!, {
      sneaky: lax1!, // a context in a visible file aimed at the hidden server
      spare: sv5!, // a visible context (positive control)
      legacy: "https://127.0.0.1:1/legacy", // hidden by exclude_clusters "c1-multi/legacy"
      retired: "https://127.0.0.1:1/retired", // hidden by excluding the alias that names it
    });
    ts = await startTestServer({
      kubeconfig_dir: dir,
      kubeconfig: cp.classicKubeconfig, // its context c1-lax1 talks to the hidden server too
      auto_discovery: false,
      exclude_clusters: ["iad0-*", "c1-multi/legacy", "retired"],
      cluster_aliases: {
        sandbox: "iad0-sandbox",
        sneak: "c1-multi/sneaky",
        old: "c1-multi/legacy",
        retired: "c1-multi/retired",
        spare: "c1-multi/spare",
        toString: "c1-sv5",
      },
    });
    const ctx = lax1!.name; // the context name inside the copied file
    hiddenAddresses.push(
      "iad0-sandbox",
      `iad0-sandbox/${ctx}`,
      "sandbox",
      `sandbox/${ctx}`,
      "c1-x",
      `c1-x/${ctx}`,
      "c1-hard",
      "c1-samesrv",
      `c1-samesrv/${ctx}`,
      "c1-multi/sneaky",
      "sneak",
      "c1-multi/legacy",
      "old",
      "c1-multi/retired",
      "retired",
      "c1-lax1", // the classic context
    );
  });
  afterAll(async () => ts?.close());

  it("still serves visible addresses (positive controls)", async () => {
    for (const cluster of ["c1-sv5", "toString", "c1-multi", "c1-multi/spare", "spare", "c1-dfw1"]) {
      const res = await ts.call("namespaces_list", { cluster });
      expect(res.isError, `${cluster}: ${resultText(res)}`).toBeFalsy();
      expect(resultText(res)).not.toContain(marker);
    }
    // The marker is real: the hidden cluster does have it.
    const direct = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir });
    try {
      expect(await direct.text("namespaces_list", { cluster: "c1-lax1" })).toContain(marker);
    } finally {
      await direct.close();
    }
  });

  it("refuses every hidden address in cluster tools, configuration_view and clusters_switch", async () => {
    for (const cluster of hiddenAddresses) {
      for (const [tool, args] of [
        ["namespaces_list", {}],
        ["resources_list", { apiVersion: "v1", kind: "Namespace" }],
        ["configuration_view", { minified: false }],
      ] as const) {
        const res = await ts.call(tool, { ...args, cluster });
        expect(res.isError, `${tool} on ${cluster}: ${resultText(res)}`).toBe(true);
        expect(everything(res)).not.toContain(marker);
        expect(everything(res)).not.toContain(lax1!.server);
      }
      const sw = await ts.call("clusters_switch", { cluster });
      expect(sw.isError, `switch to ${cluster}`).toBe(true);
    }
  });

  it("refuses hidden addresses in clusters_status, clusters_exec_all and clusters_compare selectors", async () => {
    for (const cluster of hiddenAddresses) {
      const status = await ts.call("clusters_status", { clusters: [cluster] });
      expect(status.isError, `status ${cluster}`).toBe(true);
      const fan = await ts.call("clusters_exec_all", {
        operation: "namespaces_list",
        clusters: ["c1-sv5", cluster],
      });
      expect(fan.isError, `exec_all ${cluster}`).toBe(true);
      expect(everything(fan)).not.toContain(marker);
      const cmp = await ts.call("clusters_compare", {
        apiVersion: "v1",
        kind: "Namespace",
        clusters: ["c1-sv5", cluster],
      });
      expect(cmp.isError, `compare ${cluster}`).toBe(true);
      expect(everything(cmp)).not.toContain(marker);
    }
  });

  it("leaves hidden clusters out of globs and default fleet selections", async () => {
    for (const clusters of [undefined, ["c1-*"], ["*"]]) {
      const status = await ts.call("clusters_status", clusters ? { clusters } : {});
      const rows = (status.structuredContent as { clusters: { cluster: string; server?: string }[] })
        .clusters;
      const names = rows.map((r) => r.cluster);
      for (const hidden of ["c1-x", "c1-hard", "c1-samesrv", "c1-lax1", "iad0-sandbox"])
        expect(names).not.toContain(hidden);
      expect(names).toContain("c1-sv5");
      expect(everything(status)).not.toContain(lax1!.server);
      const fan = await ts.call("clusters_exec_all", {
        operation: "namespaces_list",
        ...(clusters ? { clusters } : {}),
      });
      expect(fan.isError).toBeFalsy();
      expect(everything(fan)).not.toContain(marker);
      const cmp = await ts.call("clusters_compare", {
        apiVersion: "v1",
        kind: "Namespace",
        name: "default",
        ...(clusters ? { clusters } : {}),
      });
      expect(everything(cmp)).not.toContain(lax1!.server);
      expect(everything(cmp)).not.toContain("c1-samesrv");
    }
  });

  it("lists neither links to hidden files nor hidden contexts; a server-hidden file shows why it is refused", async () => {
    const list = await ts.call("clusters_list", { show_details: true });
    const rows = (
      list.structuredContent as { clusters: { name: string; error?: string; otherContexts?: string[] }[] }
    ).clusters;
    const names = rows.map((r) => r.name);
    for (const hidden of ["iad0-sandbox", "c1-x", "c1-hard"]) expect(names).not.toContain(hidden);
    // Listing reads names only, so a file aimed at a hidden server is listed, with the reason it cannot be used.
    expect(rows.find((r) => r.name === "c1-samesrv")?.error).toMatch(/hidden/);
    expect(rows.find((r) => r.name === "c1-lax1")?.error).toMatch(/hidden/);
    expect(rows.find((r) => r.name === "c1-multi")?.otherContexts).toEqual(["spare"]);
    expect(everything(list)).not.toContain(lax1!.server);
    const view = await ts.text("configuration_view", { cluster: "c1-multi", minified: false });
    for (const hidden of ["sneaky", "legacy", "retired", lax1!.server]) expect(view).not.toContain(hidden);
    expect(view).toContain("spare");
    const missing = await ts.call("namespaces_list", { cluster: "c1-multi/nope" });
    expect(resultText(missing)).toContain("contexts in c1-multi: c1-dfw1, spare");
  });

  it("answers the audit trail and logs without the hidden cluster's server", async () => {
    const all = `${ts.logs.join("")}\n${JSON.stringify(ts.records)}`;
    expect(all).not.toContain(lax1!.server);
    expect(all).not.toContain(marker);
  });
});

describe("prototype names as cluster addresses", () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({
      kubeconfig_dir: cp.kubeconfigDir,
      auto_discovery: false,
      cluster_aliases: JSON.parse('{"__proto__": "c1-sv5", "hasOwnProperty": "nowhere"}'),
      exclude_clusters: ["constructor"],
      read_only_clusters: ["toString"],
    });
  });
  afterAll(async () => ts?.close());

  it("gives clean unknown-cluster errors, never a crash", async () => {
    const names = [
      "__proto__",
      "constructor",
      "toString",
      "hasOwnProperty",
      "valueOf",
      "__proto__/x",
      "constructor/prototype",
      "prototype",
    ];
    for (const cluster of names) {
      for (const [tool, args] of [
        ["namespaces_list", { cluster }],
        ["clusters_switch", { cluster }],
        ["configuration_view", { cluster }],
        ["clusters_status", { clusters: [cluster] }],
        ["clusters_exec_all", { operation: "namespaces_list", clusters: [cluster] }],
        ["clusters_compare", { apiVersion: "v1", kind: "Namespace", clusters: [cluster, "c1-sv5"] }],
      ] as const) {
        const res = await ts.call(tool, args);
        const text = resultText(res);
        expect(res.isError, `${tool} ${cluster}: ${text}`).toBe(true);
        expect(text).toMatch(/unknown cluster|not available/);
        expect(text).not.toMatch(/is not a function|Cannot read|undefined/);
      }
    }
    // Real clusters still work, and so do writes: "toString" in read_only_clusters matches no cluster.
    expect((await ts.call("namespaces_list", { cluster: "c1-sv5" })).isError).toBeFalsy();
    const ns = `proto-${Math.random().toString(36).slice(2, 8)}`;
    const made = await ts.call("resources_create_or_update", {
      cluster: "c1-sv5",
      resource: `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n`,
    });
    expect(made.isError, resultText(made)).toBeFalsy();
    await create(sv5!, `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "ok" } });
  });
});
