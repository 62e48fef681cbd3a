// "Which version runs where": helm_list through clusters_exec_all on real clusters, one summary line per chart.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { create } from "../../helpers/cluster-api.js";
import { type FleetDir, makeFleetDir } from "../../helpers/fleet.js";
import { chartDir, helmCli } from "../../helpers/helm-cli.js";
import { resultText, startTestServer, type TestServer } from "../../helpers/mcp.js";

const cp = inject("controlplane");
const ns = `fleet-${Math.random().toString(36).slice(2, 8)}`;
let fleet: FleetDir;
let ts: TestServer;

beforeAll(async () => {
  fleet = await makeFleetDir(cp, { broken: false });
  ts = await startTestServer({ kubeconfig_dir: fleet.dir, auto_discovery: false });
  // Every cluster but the last runs web-app 1.2.0; the last one lags behind on 1.1.9.
  await Promise.all(
    cp.clusters.map(async (c, i) => {
      await create(c, "/api/v1/namespaces", { metadata: { name: ns } });
      const version = i === cp.clusters.length - 1 ? "1.1.9" : "1.2.0";
      await helmCli(c, ["install", "web", chartDir(version), "-n", ns]);
      if (i === 0) await helmCli(c, ["install", "extra", chartDir("1.2.0"), "-n", ns]);
    }),
  );
}, 180_000);

afterAll(async () => {
  await ts?.close();
  await fleet?.close();
});

describe("helm_list across the fleet", () => {
  it("shows the version skew per cluster and one summary line per chart", async () => {
    expect(cp.clusters.length).toBeGreaterThanOrEqual(3);
    const r = await ts.call("clusters_exec_all", { operation: "helm_list", parameters: { namespace: ns } });
    expect(r.isError, resultText(r)).toBeFalsy();
    const last = cp.clusters.at(-1)!.name;
    const n = cp.clusters.length;
    const s = r.structuredContent as {
      fleetSummary: string[];
      results: { cluster: string; result?: { releases: { chart: string }[] } }[];
    };
    expect(s.fleetSummary).toEqual([`web-app: 1.2.0 on ${n - 1} clusters, 1.1.9 on ${last}`]);
    expect(resultText(r).split("\n")[1]).toBe(s.fleetSummary[0]);
    const lagging = s.results.find((x) => x.cluster === last);
    expect(lagging?.result?.releases.map((x) => x.chart)).toEqual(["web-app-1.1.9"]);
    const first = s.results.find((x) => x.cluster === cp.clusters[0]!.name);
    expect(first?.result?.releases.map((x) => x.chart)).toEqual(["web-app-1.2.0", "web-app-1.2.0"]);
  }, 60_000);
});
