// rancher-api driver against the Rancher API STUB (test/stubs/rancher-api.ts) and the REAL test clusters.
import { randomBytes } from "node:crypto";
import { readdir, readFile, stat, utimes } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { parseKubeconfig } from "../../../src/clusters/discovery/index.js";
import type { RefreshReport } from "../../../src/rancher/index.js";
import type { RancherStatus } from "../../../src/rancher/status.js";
import { apiRequest } from "../../harness/https.js";
import { type RancherStub, startRancherStub } from "../../stubs/rancher-api.js";
import {
  closeAll,
  kubeconfigFor,
  type RancherTestServer,
  rancherToken,
  startRancherServer,
  structured,
  stubClusters,
  tempDir,
  textOf,
  waitFor,
} from "./helpers.js";

const cp = inject("controlplane");
const NAMES = cp.clusters.map((c) => c.name).sort();
const TOKEN = rancherToken();

describe("rancher-api driver (Rancher API stub, real clusters)", () => {
  let stub: RancherStub;
  const servers: RancherTestServer[] = [];
  const start = async (nsk: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => {
    const ts = await startRancherServer(
      await tempDir(),
      { rancher_url: stub.url, rancher_token: TOKEN, driver: "rancher-api", ...nsk },
      top,
    );
    servers.push(ts);
    return ts;
  };

  beforeAll(async () => {
    stub = await startRancherStub({ token: TOKEN, clusters: stubClusters(cp.clusters, (c) => c.adminToken) });
  });
  afterEach(async () => {
    stub.setClusters(stubClusters(cp.clusters, (c) => c.adminToken));
    const all = await closeAll(servers);
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(TOKEN.split(":")[1]);
  });
  afterAll(async () => {
    await stub?.close();
  });

  it("fills an empty directory, follows pagination, and the new clusters work against the real apiservers", async () => {
    const ts = await start();
    expect(await ts.text("clusters_list")).toMatch(
      /^No clusters: .*run nsk_refresh to fetch kubeconfigs from Rancher/,
    );
    const pagesBefore = stub.calls.pages;
    const progress: Array<{ progress: number; total?: number }> = [];
    const res = await ts.client.callTool(
      { name: "nsk_refresh", arguments: {} },
      {
        onprogress: (p) => progress.push(p),
      },
    );
    ts.outputs.push(JSON.stringify(res));
    expect(res.isError).toBeFalsy();
    const report = structured<RefreshReport>(res as never);
    expect(report.outcome).toBe("ok");
    expect(report.added.sort()).toEqual(NAMES);
    expect(report.remoteCount).toBe(3);
    expect(stub.calls.pages - pagesBefore).toBe(2); // 3 clusters, 2 per page
    expect(progress.length).toBe(3);
    expect(progress.at(-1)).toMatchObject({ progress: 3, total: 3 });

    const list = structured<{ clusters: { name: string }[] }>(await ts.call("clusters_list"));
    expect(list.clusters.map((c) => c.name)).toEqual(NAMES);
    for (const name of NAMES) {
      const st = await stat(join(ts.dir, `${name}.yaml`));
      expect(st.mode & 0o777).toBe(0o600);
    }
    const target = cp.clusters[1]!;
    const admin = { server: target.server, ca: target.ca, token: target.adminToken };
    const ns = `rancher-${randomBytes(3).toString("hex")}`;
    expect((await apiRequest(admin, "POST", "/api/v1/namespaces", { metadata: { name: ns } })).status).toBe(
      201,
    );
    const pod = {
      metadata: { name: "discovered-pod" },
      spec: { containers: [{ name: "c", image: "busybox" }] },
    };
    expect((await apiRequest(admin, "POST", `/api/v1/namespaces/${ns}/pods`, pod)).status).toBe(201);
    const status = await ts.call("clusters_status", { clusters: [target.name] });
    expect(structured<{ clusters: { status: string }[] }>(status).clusters[0]?.status).toBe("ok");
    const pods = await ts.call("pods_list", { cluster: target.name });
    expect(pods.isError).toBeFalsy();
    expect(textOf(pods)).toMatch(new RegExp(`${ns}\\s+discovered-pod`));
    expect(ts.logs.join("")).toMatch(/trusting Rancher's CA from \/v3\/settings\/cacerts.*sha256=/);
  });

  it("does not regenerate fresh files without force, refuses a second refresh within min_refresh_interval", async () => {
    const ts = await start({ min_refresh_interval: "1m" });
    expect((await ts.call("nsk_refresh")).isError).toBeFalsy();
    const generated = stub.generateTotal();
    const refused = await ts.call("nsk_refresh");
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/min_refresh_interval.*Try: pass force: true/s);
    expect(stub.generateTotal()).toBe(generated);

    const forced = await ts.call("nsk_refresh", { force: true });
    expect(forced.isError).toBeFalsy();
    expect(structured<RefreshReport>(forced).fresh).toEqual([]);
    expect(stub.generateTotal()).toBe(generated + 3);
  });

  it("regenerates only missing or stale files when not forced", async () => {
    const ts = await start({ min_refresh_interval: "0s", refresh_interval: "1h" });
    await ts.call("nsk_refresh");
    const before = stub.generateTotal();
    const again = structured<RefreshReport>(await ts.call("nsk_refresh"));
    expect(again.outcome).toBe("ok");
    expect(again.fresh.sort()).toEqual(NAMES);
    expect(stub.generateTotal()).toBe(before);

    const dfw1Before = stub.calls.generate.get("c1-dfw1") ?? 0;
    const old = new Date(Date.now() - 2 * 3600_000);
    await utimes(join(ts.dir, "c1-dfw1.yaml"), old, old);
    const extra = {
      id: "c-extra",
      name: "c1-extra",
      kubeconfig: kubeconfigFor(cp.clusters[0]!, cp.clusters[0]!.adminToken),
    };
    stub.setClusters([...stubClusters(cp.clusters, (c) => c.adminToken), extra]);
    const third = structured<RefreshReport>(await ts.call("nsk_refresh"));
    expect(third.added).toEqual(["c1-extra"]);
    expect(third.unchanged.concat(third.updated).sort()).toEqual(NAMES);
    expect(third.fresh.sort()).toEqual(["c1-lax1", "c1-sv5"]);
    expect(stub.generateTotal()).toBe(before + 2);
    expect(stub.calls.generate.get("c1-dfw1")).toBe(dfw1Before + 1);
  });

  it("coalesces concurrent refreshes into one run", async () => {
    const ts = await start();
    const before = stub.generateTotal();
    const [a, b] = await Promise.all([
      ts.call("nsk_refresh", { force: true }),
      ts.call("nsk_refresh", { force: true }),
    ]);
    const reports = [structured<RefreshReport>(a), structured<RefreshReport>(b)];
    expect(reports.map((r) => r.joined === true).sort()).toEqual([false, true]);
    expect(reports[0]?.added.sort()).toEqual(NAMES);
    expect(reports[1]?.added.sort()).toEqual(NAMES);
    expect(stub.generateTotal()).toBe(before + 3);
  });

  it("a cancelled nsk_refresh stops the stalled run, keeps what was written and records it cancelled", async () => {
    const ts = await start();
    const stalled = stub.stallNextGenerate();
    const ac = new AbortController();
    const call = ts.client.callTool({ name: "nsk_refresh", arguments: {} }, { signal: ac.signal });
    const stalledName = await stalled;
    ac.abort();
    await expect(call).rejects.toThrow();
    await waitFor("the refresh to be recorded as cancelled", async () => {
      const s = structured<RancherStatus>(await ts.call("nsk_status"));
      return s.lastRefresh?.outcome === "cancelled" && !s.refreshing;
    });
    const files = (await readdir(ts.dir)).filter((n) => n.endsWith(".yaml"));
    expect(files).not.toContain(`${stalledName}.yaml`);
    expect((await readdir(ts.dir)).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("reports clusters gone from Rancher as vanished and keeps their files", async () => {
    const ts = await start({ min_refresh_interval: "0s" });
    await ts.call("nsk_refresh");
    stub.setClusters(stubClusters(cp.clusters, (c) => c.adminToken).filter((c) => c.name !== "c1-dfw1"));
    const res = await ts.call("nsk_refresh", { force: true });
    const report = structured<RefreshReport>(res);
    expect(report.vanished).toEqual(["c1-dfw1"]);
    expect(textOf(res)).toMatch(/vanished from Rancher \(1\) \(files kept, not deleted\): c1-dfw1/);
    const text = await readFile(join(ts.dir, "c1-dfw1.yaml"), "utf8");
    expect(parseKubeconfig(text, "c1-dfw1.yaml").currentContext).toBe("c1-dfw1");
    const list = structured<{ clusters: { name: string }[] }>(await ts.call("clusters_list"));
    expect(list.clusters.map((c) => c.name)).toContain("c1-dfw1");
  });

  it("nsk_clusters_discover fetches only clusters the directory lacks, honouring pattern and exclude_clusters", async () => {
    const ts = await start({ exclude_clusters: ["c1-dfw1"] });
    const dfw1Before = stub.calls.generate.get("c1-dfw1") ?? 0;
    const first = structured<RefreshReport>(await ts.call("nsk_clusters_discover", { pattern: "lax" }));
    expect(first.added).toEqual(["c1-lax1"]);
    const before = stub.generateTotal();
    const second = await ts.call("nsk_clusters_discover");
    const report = structured<RefreshReport>(second);
    expect(report.added).toEqual(["c1-sv5"]);
    expect(report.present).toEqual(["c1-lax1"]);
    expect(stub.generateTotal()).toBe(before + 1);
    expect(stub.calls.generate.get("c1-dfw1") ?? 0).toBe(dfw1Before);
    const bad = await ts.call("nsk_clusters_discover", { pattern: "(" });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/not a valid regular expression/);
  });

  it("nsk_status shows driver, URL, directory, last refresh and counts, never the token", async () => {
    const ts = await start({ profile: "prod" });
    const before = structured<RancherStatus>(await ts.call("nsk_status"));
    expect(before.lastRefresh).toBeUndefined();
    expect(before.nextRefreshAt).toBeUndefined();
    await ts.call("nsk_refresh");
    const res = await ts.call("nsk_status");
    const s = structured<RancherStatus>(res);
    expect(s).toMatchObject({
      driver: "rancher-api",
      rancherUrl: stub.url,
      profile: "prod",
      directory: ts.dir,
      tokenConfigured: true,
      autoRefresh: false,
      clusters: { filesInDirectory: 3, served: 3, inRancher: 3 },
    });
    expect(s.lastRefresh).toMatchObject({
      outcome: "ok",
      trigger: "manual",
      counts: { added: 3, failed: 0 },
    });
    expect(s.lastRefresh?.durationMs).toBeGreaterThanOrEqual(0);
    const text = textOf(res);
    expect(text).toContain("API token: configured (never shown)");
    expect(text).toContain("next scheduled refresh: none (auto_refresh off)");
    expect(JSON.stringify(s)).not.toContain(TOKEN);
    const tools = (await ts.client.listTools()).tools;
    const byName = Object.fromEntries(tools.map((t) => [t.name, t.annotations]));
    expect(byName.nsk_status).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(byName.nsk_refresh).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      openWorldHint: true,
    });
    expect(byName.nsk_clusters_discover).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      openWorldHint: true,
    });
  });
});
