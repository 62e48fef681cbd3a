// pods_list over 1000 real pods vs (a) raw client-node list + the same formatting in-process and (b) kubectl.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { age } from "../src/kube/age.js";
import { formatTable } from "../src/util/table.js";
import { createPods, waitForPodsRunning } from "../test/harness/pods.js";
import { resultText, startTestServer } from "../test/helpers/mcp.js";
import { withControlPlane } from "./controlplane.js";
import { median, ms } from "./stats.js";
import type { BenchScenario } from "./types.js";

const run = promisify(execFile);
const PODS = Number(process.env.BENCH_PODS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up: connections, discovery, JIT
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return median(xs);
}

/** Why: the pods_list benchmark, on one real kube-apiserver with the node simulator. */
export const scenario: BenchScenario = {
  name: "pods-list",
  description: `pods_list over ${PODS} Running pods on one real cluster, median of ${RUNS}`,
  run: async (print) =>
    withControlPlane(
      async (cp) => {
        const c = cp.clusters[0]!;
        const target = { server: c.server, ca: c.ca, token: c.adminToken };
        await createPods(target, "bench", PODS, { prefix: "web" });
        await waitForPodsRunning(target, "bench", PODS, 120_000);

        const ts = await startTestServer({
          kubeconfig_dir: cp.kubeconfigDir,
          max_output_bytes: 4 * 1024 * 1024,
        });
        let text = "";
        const ours = await timeIt(async () => {
          text = resultText(await ts.call("pods_list", { cluster: c.name, limit: PODS }));
        });
        const lines = text.trimEnd().split("\n").length - 1;
        if (lines < PODS) throw new Error(`pods_list returned ${lines} rows, expected ${PODS}`);

        const k8s = await import("@kubernetes/client-node");
        const kc = new k8s.KubeConfig();
        kc.loadFromFile(c.kubeconfig);
        const api = kc.makeApiClient(k8s.CoreV1Api);
        let rawText = "";
        const raw = await timeIt(async () => {
          const list = await api.listPodForAllNamespaces({ limit: PODS });
          rawText = formatTable(
            ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            list.items.map((p) => {
              const cs = p.status?.containerStatuses ?? [];
              return [
                p.metadata?.namespace ?? "",
                p.metadata?.name ?? "",
                `${cs.filter((s) => s.ready).length}/${p.spec?.containers.length ?? 0}`,
                p.status?.phase ?? "",
                String(cs.reduce((a, s) => a + s.restartCount, 0)),
                age(p.metadata?.creationTimestamp?.toISOString()),
              ];
            }),
          );
        });
        const kubectl = await timeIt(() =>
          run("kubectl", ["--kubeconfig", c.kubeconfig, "get", "pods", "-A"], { maxBuffer: 64 << 20 }),
        );
        await ts.close();

        print(`pods_list (k8s-mcp, MCP in-process)   ${ms(ours).padStart(10)}`);
        print(
          `(a) client-node list + same format    ${ms(raw).padStart(10)}   ratio ${(ours / raw).toFixed(2)}x (target <= 1.2x)`,
        );
        print(
          `(b) kubectl get pods -A               ${ms(kubectl).padStart(10)}   ratio ${(ours / kubectl).toFixed(2)}x (target <= 0.5x)`,
        );
        print(
          `output: ${Buffer.byteLength(text)} bytes for ${lines} pods = ${(Buffer.byteLength(text) / lines).toFixed(1)} bytes/pod (raw formatting: ${(Buffer.byteLength(rawText) / PODS).toFixed(1)} bytes/pod)`,
        );
      },
      ["bench"],
    ),
};
