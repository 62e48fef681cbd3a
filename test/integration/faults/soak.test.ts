// The 60-second soak in the suite: stdio and HTTP, 3 real clusters, one apiserver paused and resumed by pid.
// The paused apiserver is the test's own (a one-cluster control plane), so parallel test files are unaffected.
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ensureBinaries } from "../../harness/binaries.js";
import { type ControlPlane, startControlPlane } from "../../harness/controlplane.js";
import { runSoak, soakProblems, soakSummary } from "./soak-run.js";

const cp = inject("controlplane");
const [sv5, lax1] = cp.clusters;

describe("soak (60 s)", () => {
  let own: ControlPlane;
  let dir: string;
  beforeAll(async () => {
    own = await startControlPlane(await ensureBinaries(), ["soak-paused"]);
    dir = await mkdtemp(join(tmpdir(), "k8s-mcp-soak-"));
    await copyFile(sv5!.kubeconfig, join(dir, `${sv5!.name}.yaml`));
    await copyFile(lax1!.kubeconfig, join(dir, `${lax1!.name}.yaml`));
    await copyFile(own.info.clusters[0]!.kubeconfig, join(dir, "soak-paused.yaml"));
  }, 180_000);
  afterAll(async () => {
    await own?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("no misrouted answer, healthy clusters unaffected by the pause, RSS and fds bounded", async () => {
    const paused = own.info.clusters[0]!;
    const figures = await runSoak({
      clusters: [sv5!.name, lax1!.name, "soak-paused"],
      paused: { name: "soak-paused", port: Number(new URL(paused.server).port) },
      kubeconfigDir: dir,
      workDir: dir,
      durationMs: 60_000,
      workersPerTransport: 2,
      log: (l) => process.stderr.write(`[soak] ${l}\n`),
    });
    for (const line of soakSummary(figures)) process.stderr.write(`[soak] ${line}\n`);
    expect(figures.calls).toBeGreaterThan(100);
    expect(figures.pausedErrors).toBeGreaterThan(0); // the pause really happened and was seen
    expect(soakProblems(figures)).toEqual([]);
  }, 200_000);
});
