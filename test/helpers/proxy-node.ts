// A Node whose kubelet STUB listens on this machine's first non-loopback IPv4 address: the apiserver refuses to
// proxy (nodes/proxy) to loopback, where the simulated nodes live, so node-proxy tests register one of these.
import { mkdtemp } from "node:fs/promises";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import type { TestCluster } from "../harness/controlplane.js";
import { apiRequest } from "../harness/https.js";
import { createKubeletCert, startKubeletStub } from "../harness/kubelet.js";
import { admin, create } from "./cluster-api.js";

/** Why: the registered node's name and its teardown (the Node object and the stub). */
export interface ProxyNode {
  name: string;
  stop: () => Promise<void>;
}

function outsideAddress(): string {
  const ip = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
  if (!ip) throw new Error("the node proxy needs a non-loopback IPv4 address on this machine; none found");
  return ip;
}

/** Why: one call registers the node on a cluster; the apiserver skips verifying kubelet certificates here. */
export async function startProxyNode(c: TestCluster): Promise<ProxyNode> {
  const name = `proxy-node-${Math.random().toString(36).slice(2, 8)}`;
  const ip = outsideAddress();
  const cert = await createKubeletCert(await mkdtemp(join(tmpdir(), "k8s-mcp-proxy-node-")));
  const stub = await startKubeletStub(cert, () => undefined, { name, pods: () => [] }, ip);
  await create(c, "/api/v1/nodes", {
    metadata: { name, labels: { "k8s-mcp.test/proxy-stub": "true" } },
    status: {
      addresses: [{ type: "InternalIP", address: ip }],
      daemonEndpoints: { kubeletEndpoint: { Port: stub.port } },
    },
  });
  return {
    name,
    stop: async () => {
      await apiRequest(admin(c), "DELETE", `/api/v1/nodes/${name}`);
      await stub.stop();
    },
  };
}
