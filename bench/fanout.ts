// Fan-out scaling: clusters_exec_all namespaces_list over N = 1, 10, 50 clusters, total time / time for one cluster.
import { copyFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestServer, type TestServer } from "../test/helpers/mcp.js";
import { withControlPlane } from "./controlplane.js";
import { startLatencyEndpoints } from "./latency-endpoints.js";
import { median, ms } from "./stats.js";
import type { BenchScenario } from "./types.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const LATENCY_MS = 50;

async function timeFanout(ts: TestServer, clusters: string[], concurrency?: number): Promise<number> {
  const args = { operation: "namespaces_list", clusters, ...(concurrency ? { concurrency } : {}) };
  const first = await ts.call("clusters_exec_all", args);
  const summary = String((first.structuredContent as { summary?: string }).summary ?? "");
  if (!summary.includes(`${clusters.length}/${clusters.length} ok`))
    throw new Error(`fan-out failed: ${summary}`);
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await ts.call("clusters_exec_all", args);
    xs.push(performance.now() - t);
  }
  return median(xs);
}

/** Why: the fan-out scaling targets (<= 2x one cluster at N=50 by default, <= 1.3x with concurrency >= N). */
export const scenario: BenchScenario = {
  name: "fanout",
  description: `clusters_exec_all namespaces_list, median of ${RUNS}; N=1/10/50 on fixed-latency (${LATENCY_MS} ms) STUB endpoints, N=3 on real kube-apiservers`,
  run: async (print) =>
    withControlPlane(async (cp) => {
      const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-fanout-"));
      for (const c of cp.clusters) await copyFile(c.kubeconfig, join(dir, `${c.name}.yaml`));
      const stop = await startLatencyEndpoints(50, LATENCY_MS, dir);
      const ts = await startTestServer({ kubeconfig_dir: dir, auto_discovery: false });
      try {
        const lat = (n: number) => Array.from({ length: n }, (_, i) => `lat-${String(i).padStart(2, "0")}`);
        const heapBefore = process.memoryUsage();
        const one = await timeFanout(ts, lat(1));
        print(`N=1  (stub)                    ${ms(one).padStart(10)}   (baseline)`);
        for (const n of [10, 50]) {
          const d = await timeFanout(ts, lat(n));
          print(
            `N=${String(n).padEnd(3)}(stub, default)          ${ms(d).padStart(10)}   ${(d / one).toFixed(2)}x one cluster (target at N=50 <= 2x)`,
          );
          const c = await timeFanout(ts, lat(n), n);
          print(
            `N=${String(n).padEnd(3)}(stub, concurrency=${String(n).padEnd(3)})  ${ms(c).padStart(10)}   ${(c / one).toFixed(2)}x one cluster (target at N=50 <= 1.3x)`,
          );
        }
        const s = await timeFanout(ts, lat(10), 1);
        print(
          `N=10 (stub, concurrency=1)      ${ms(s).padStart(10)}   ${(s / one).toFixed(2)}x one cluster (sequential, for reference)`,
        );
        const realOne = await timeFanout(ts, [cp.clusters[0]!.name]);
        const real3 = await timeFanout(
          ts,
          cp.clusters.map((c) => c.name),
        );
        print(`N=1  (real apiserver)          ${ms(realOne).padStart(10)}`);
        print(
          `N=3  (real apiservers)         ${ms(real3).padStart(10)}   ${(real3 / realOne).toFixed(2)}x one cluster`,
        );
        const mem = process.memoryUsage();
        print(
          `memory after: rss ${(mem.rss / 2 ** 20).toFixed(0)} MB (+${((mem.rss - heapBefore.rss) / 2 ** 20).toFixed(0)} MB), heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MB; bench process also hosts the 50 stub servers`,
        );
      } finally {
        await ts.close();
        await stop();
      }
    }),
};
