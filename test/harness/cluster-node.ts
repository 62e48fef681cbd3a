// Per-cluster add-ons that make pods behave: kubelet stub + node simulator + metrics API CRDs, started together.
import type { ApiTarget } from "./https.js";
import { type KubeletCert, startKubeletStub } from "./kubelet.js";
import { installMetricsApi } from "./metrics.js";
import { type NodeSim, SIM_NODE_NAME, startNodeSim } from "./node-sim.js";

/** Why: what tests learn about a cluster's node, plus the teardown. */
export interface ClusterNode {
  nodeName: string;
  kubeletPort: number;
  stop: () => Promise<void>;
}

/** Why: one call per cluster, run in parallel across clusters by the control plane. */
export async function startClusterNode(
  target: ApiTarget,
  cert: KubeletCert,
  log: (line: string) => void,
): Promise<ClusterNode> {
  let sim: NodeSim | undefined;
  const kubelet = await startKubeletStub(cert, (ns, pod) => sim?.pod(ns, pod), {
    name: SIM_NODE_NAME,
    pods: () => sim?.pods() ?? [],
  });
  const [simResult, metricsResult] = await Promise.allSettled([
    startNodeSim(target, { kubeletPort: kubelet.port, log }),
    installMetricsApi(target),
  ]);
  if (simResult.status === "fulfilled") sim = simResult.value;
  const stop = async (): Promise<void> => {
    await sim?.stop();
    await kubelet.stop();
  };
  const failed = [simResult, metricsResult].find((r) => r.status === "rejected");
  if (failed || !sim) {
    await stop();
    throw failed?.status === "rejected" ? failed.reason : new Error("node simulator did not start");
  }
  return { nodeName: sim.nodeName, kubeletPort: kubelet.port, stop };
}
