// Vitest global setup: builds (if needed) and starts the real control plane once per run.
import type { TestProject } from "vitest/node";
import { ensureBinaries } from "./binaries.js";
import { type ControlPlane, type ControlPlaneInfo, startControlPlane } from "./controlplane.js";

declare module "vitest" {
  export interface ProvidedContext {
    controlplane: ControlPlaneInfo;
  }
}

let plane: ControlPlane | undefined;

function stopOnSignal(signal: NodeJS.Signals): void {
  process.once(signal, () => {
    void (plane?.stop() ?? Promise.resolve()).finally(() => process.kill(process.pid, signal));
  });
}

/** Why: tests share one set of clusters; starting them per file would cost seconds each. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (line: string): void => {
    process.stderr.write(`[controlplane] ${line}\n`);
  };
  const bins = await ensureBinaries(log);
  plane = await startControlPlane(bins);
  stopOnSignal("SIGINT");
  stopOnSignal("SIGTERM");
  log(`${plane.info.clusters.length} clusters up in ${plane.info.startupMs} ms (${bins.version})`);
  project.provide("controlplane", plane.info);
  return async () => {
    await plane?.stop();
    plane = undefined;
  };
}
