// STUB Kubernetes endpoints with a fixed latency, so fan-out can be measured at N=50 on a 2-core machine.
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKubeletCert } from "../test/harness/kubelet.js";
import { writeKubeconfig } from "../test/helpers/fleet.js";

const TABLE = JSON.stringify({
  kind: "Table",
  apiVersion: "meta.k8s.io/v1",
  columnDefinitions: [
    { name: "Name", type: "string", priority: 0 },
    { name: "Status", type: "string", priority: 0 },
  ],
  rows: ["default", "kube-system", "kube-public", "apps"].map((n) => ({ cells: [n, "Active"] })),
  metadata: {},
});

/** Why: N independent HTTPS servers, each answering every request after `latencyMs`, with one kubeconfig each. */
export async function startLatencyEndpoints(
  n: number,
  latencyMs: number,
  dir: string,
): Promise<() => Promise<void>> {
  const cert = await createKubeletCert(await mkdtemp(join(tmpdir(), "k8s-mcp-lat-")));
  const servers: Server[] = [];
  for (let i = 0; i < n; i++) {
    const srv = createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
      req.resume();
      setTimeout(() => {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(TABLE);
      }, latencyMs);
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const addr = srv.address();
    const port = typeof addr === "object" && addr ? addr.port : 0;
    servers.push(srv);
    await writeKubeconfig(
      join(dir, `lat-${String(i).padStart(2, "0")}.yaml`),
      `lat-${i}`,
      `https://127.0.0.1:${port}`,
      "t",
      Buffer.from(cert.cert).toString("base64"),
    );
  }
  await writeFile(join(dir, ".stub"), "fixed-latency stub endpoints\n");
  return async () => {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  };
}
