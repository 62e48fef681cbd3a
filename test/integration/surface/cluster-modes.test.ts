// require_cluster (no implicit active cluster) and confirm_clusters (per-cluster write confirmation), through a
// real MCP Client against real clusters; after every refusal, the cluster is checked to be unchanged.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { create, freshNamespace, statusOf } from "../../helpers/cluster-api.js";
import { resultText, startTestServer, structured, type TestServer } from "../../helpers/mcp.js";

const cp = inject("controlplane");
const [sv5, lax1] = cp.clusters;

const cm = (ns: string, name: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${ns}}\ndata: {k: v}\n`;

describe("require_cluster", () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({
      kubeconfig_dir: cp.kubeconfigDir,
      default_cluster: "c1-sv5",
      require_cluster: true,
    });
  });
  afterAll(async () => ts?.close());

  it("makes `cluster` required in every cluster-aware schema and hides clusters_switch", async () => {
    const { tools } = await ts.client.listTools();
    const clusterAware = tools.filter((t) => "cluster" in (t.inputSchema.properties ?? {}));
    expect(clusterAware.length).toBeGreaterThan(15);
    for (const t of clusterAware) expect(t.inputSchema.required, t.name).toContain("cluster");
    expect(tools.map((t) => t.name)).not.toContain("clusters_switch");
  });

  it("refuses a call without `cluster` (the default cluster is not used) and runs it when named", async () => {
    const before = ts.records.length;
    const res = await ts.call("namespaces_list", {});
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(/`cluster` is required \(require_cluster is set\)/);
    expect(ts.records.length).toBe(before);
    const ok = await ts.call("namespaces_list", { cluster: "c1-lax1" });
    expect(structured(ok).cluster).toBe("c1-lax1");
  });

  it("never falls back to the active cluster underneath either (completion, fan-out legs)", async () => {
    const noCluster = await ts.client.complete({
      ref: { type: "ref/prompt", name: "debug_pod" },
      argument: { name: "namespace", value: "kube" },
    });
    expect(noCluster.completion.values).toEqual([]);
    const rec = ts.records.filter((r) => r.tool === "namespaces_list").at(-1);
    expect(rec?.outcome).toBe("error");
    // Completion goes through the one entry: the same validation as a tools/call refuses the missing cluster.
    expect(rec?.error).toMatch(/`cluster` is required \(require_cluster is set\)/);
    const named = await ts.client.complete({
      ref: { type: "ref/prompt", name: "debug_pod" },
      argument: { name: "namespace", value: "kube-sys" },
      context: { arguments: { cluster: "c1-lax1" } },
    });
    expect(named.completion.values).toEqual(["kube-system"]);
  });
});

describe("confirm_clusters", () => {
  let ns: string;
  const servers: TestServer[] = [];
  const start = async (accept?: boolean): Promise<TestServer> => {
    const ts = await startTestServer(
      {
        kubeconfig_dir: cp.kubeconfigDir,
        default_cluster: "c1-lax1",
        cluster_aliases: { production: "c1-sv5" },
        confirm_clusters: ["production"],
      },
      {},
      accept === undefined ? {} : { elicitation: {} },
    );
    if (accept !== undefined) {
      ts.client.setRequestHandler("elicitation/create", async (req) => {
        asked.push(req.params.message);
        return accept ? { action: "accept", content: { confirm: true } } : { action: "decline" };
      });
    }
    servers.push(ts);
    return ts;
  };
  const asked: string[] = [];
  beforeAll(async () => {
    ns = await freshNamespace(lax1!, "confirm");
    await create(sv5!, "/api/v1/namespaces", { metadata: { name: ns } });
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it("adds `confirm` to write tools only, and says so in the instructions", async () => {
    const ts = await start();
    const { tools } = await ts.client.listTools();
    const has = (name: string) =>
      "confirm" in (tools.find((t) => t.name === name)?.inputSchema.properties ?? {});
    expect(has("resources_create_or_update")).toBe(true);
    expect(has("pods_delete")).toBe(true);
    expect(has("pods_list")).toBe(false);
    expect(ts.client.getInstructions()).toMatch(/Writes on these clusters need `confirm: true`.*production/);
  });

  it("refuses a write on a listed cluster (named by its alias's target) without confirm; other clusters unaffected", async () => {
    const ts = await start();
    const refused = await ts.call("resources_create_or_update", { cluster: "c1-sv5", resource: cm(ns, "a") });
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).toMatch(
      /needs confirmation on 'c1-sv5' \(listed in confirm_clusters\); not confirmed\. Try: .*confirm: true/,
    );
    expect(await statusOf(sv5!, `/api/v1/namespaces/${ns}/configmaps/a`)).toBe(404);
    const other = await ts.call("resources_create_or_update", { cluster: "c1-lax1", resource: cm(ns, "a") });
    expect(other.isError).toBeFalsy();
    const read = await ts.call("pods_list_in_namespace", { cluster: "production", namespace: ns });
    expect(read.isError).toBeFalsy();
    const confirmed = await ts.call("resources_create_or_update", {
      cluster: "production",
      resource: cm(ns, "a"),
      confirm: true,
    });
    expect(confirmed.isError, resultText(confirmed)).toBeFalsy();
    expect(await statusOf(sv5!, `/api/v1/namespaces/${ns}/configmaps/a`)).toBe(200);
  });

  it("asks through elicitation when the client can: accepted runs, declined refuses", async () => {
    const yes = await start(true);
    const ok = await yes.call("resources_create_or_update", { cluster: "c1-sv5", resource: cm(ns, "b") });
    expect(ok.isError, resultText(ok)).toBeFalsy();
    expect(asked.at(-1)).toMatch(/resources_create_or_update on cluster 'c1-sv5'/);
    expect(await statusOf(sv5!, `/api/v1/namespaces/${ns}/configmaps/b`)).toBe(200);
    const no = await start(false);
    const refused = await no.call("pods_delete", { cluster: "c1-sv5", name: "x", namespace: ns });
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).toMatch(/needs confirmation/);
  });

  it("a fan-out write touching a listed cluster asks once for all legs; unconfirmed, only that cluster's leg is refused", async () => {
    const ts = await start();
    // pods_run only adds (not destructive), so only confirm_clusters asks for confirmation here.
    const params = { image: "nginx:1.27", name: "fan", namespace: ns };
    const refused = await ts.call("clusters_exec_all", {
      operation: "pods_run",
      parameters: params,
      clusters: ["c1-lax1", "c1-sv5"],
    });
    const legs = (
      refused.structuredContent as { results: { cluster: string; status: string; error?: string }[] }
    ).results;
    const sv5Leg = legs.find((l) => l.cluster === "c1-sv5");
    expect(sv5Leg?.status).toBe("error");
    expect(sv5Leg?.error).toMatch(/pods_run needs confirmation on 'c1-sv5' \(listed in confirm_clusters\)/);
    // The listed cluster is untouched; the unlisted one needs no confirmation, as for a single call.
    expect(await statusOf(sv5!, `/api/v1/namespaces/${ns}/pods/fan`)).toBe(404);
    expect(legs.find((l) => l.cluster === "c1-lax1")?.status).toBe("ok");
    expect(await statusOf(lax1!, `/api/v1/namespaces/${ns}/pods/fan`)).toBe(200);
    const ok = await ts.call("clusters_exec_all", {
      operation: "pods_run",
      parameters: { ...params, name: "fan2" },
      clusters: ["c1-lax1", "c1-sv5"],
      confirm: true,
    });
    expect(structured(ok).summary).toMatch(/2\/2 ok/);
    expect(await statusOf(sv5!, `/api/v1/namespaces/${ns}/pods/fan2`)).toBe(200);
  });

  it("decides 'write' by the request's verb: resources_scale without `scale` reads, with no confirmation", async () => {
    const ts = await start();
    const read = await ts.call("resources_scale", {
      cluster: "production",
      apiVersion: "apps/v1",
      kind: "Deployment",
      namespace: "kube-system",
      name: "no-such-deployment",
    });
    // A read: it reaches the API (404), it is not refused for confirmation.
    expect(resultText(read)).not.toMatch(/needs confirmation/);
    expect(resultText(read)).toMatch(/not found/i);
  });

  it("matches globs too", async () => {
    const ts = await startTestServer({
      kubeconfig_dir: cp.kubeconfigDir,
      default_cluster: "c1-lax1",
      confirm_clusters: ["c1-l*"],
    });
    servers.push(ts);
    const refused = await ts.call("resources_create_or_update", { resource: cm(ns, "glob") });
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).toMatch(/needs confirmation on 'c1-lax1'/);
    expect(await statusOf(lax1!, `/api/v1/namespaces/${ns}/configmaps/glob`)).toBe(404);
  });
});
