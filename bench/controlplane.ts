// Starts the real test control plane for benchmarks that need clusters, and always stops it.
import { ensureBinaries } from "../test/harness/binaries.js";
import { type ControlPlaneInfo, startControlPlane } from "../test/harness/controlplane.js";

/** Why: benchmarks measure against real kube-apiservers, like the tests. */
export async function withControlPlane<T>(
  fn: (cp: ControlPlaneInfo) => Promise<T>,
  names?: readonly string[],
): Promise<T> {
  const bins = await ensureBinaries((l) => process.stderr.write(`[controlplane] ${l}\n`));
  const cp = await startControlPlane(bins, names);
  try {
    return await fn(cp.info);
  } finally {
    await cp.stop();
  }
}
