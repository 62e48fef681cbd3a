// `npm run bench -- soak`: 10 minutes (BENCH_SOAK_MS to change) of mixed calls over 3 real clusters through
// stdio and HTTP on loopback, one apiserver paused and resumed by pid in the middle; fails on a misrouted
// answer or on RSS / descriptor growth beyond the stated bounds.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSoak, soakProblems, soakSummary } from "../test/integration/faults/soak-run.js";
import { withControlPlane } from "./controlplane.js";
import type { BenchScenario } from "./types.js";

const DURATION_MS = Number(process.env.BENCH_SOAK_MS ?? 600_000);
const WORKERS = 4;

/** Why: the soak scenario bench/run.ts lists. */
export const scenario: BenchScenario = {
  name: "soak",
  description: `${Math.round(DURATION_MS / 1000)} s of mixed calls, stdio + HTTP, 3 clusters, one apiserver paused mid-run`,
  onlyWhenNamed: true,
  run: (print) =>
    withControlPlane(async (cp) => {
      const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-bench-soak-"));
      try {
        const paused = cp.clusters[2];
        if (!paused) throw new Error("the soak needs 3 clusters");
        const figures = await runSoak({
          clusters: cp.clusters.map((c) => c.name),
          paused: { name: paused.name, port: Number(new URL(paused.server).port) },
          kubeconfigDir: cp.kubeconfigDir,
          workDir: dir,
          durationMs: DURATION_MS,
          workersPerTransport: WORKERS,
          log: print,
        });
        for (const line of soakSummary(figures)) print(line);
        const problems = soakProblems(figures);
        if (problems.length) throw new Error(`soak failed: ${problems.join("; ")}`);
        print("soak passed: no misrouted answer, growth within bounds");
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }),
};
