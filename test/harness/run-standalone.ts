// Starts a one-cluster control plane and waits forever: used to prove teardown survives a SIGKILL of its parent.
import { ensureBinaries } from "./binaries.js";
import { startControlPlane } from "./controlplane.js";

const cp = await startControlPlane(await ensureBinaries(), ["solo"]);
process.stdout.write(`${JSON.stringify({ root: cp.info.root })}\n`);
setInterval(() => {}, 60_000);
