// Fault matrix, pods_run cancelled between its Pod and its Service: the rollback must not reuse the
// cancelled signal. Real cluster; a FAULT INJECTOR holds the Service POST until the call is cancelled.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ClusterClient, KubeRequest } from "../../../src/kube/client.js";
import { KubeError } from "../../../src/kube/errors.js";
import { freshNamespace, statusOf, waitUntil } from "../../helpers/cluster-api.js";
import { startTestServer, type TestServer } from "../../helpers/mcp.js";

const cp = inject("controlplane");
const [, , dfw1] = cp.clusters;

// Wraps the real client: POSTs of Services wait for the caller's signal to abort, as a slow apiserver would.
function holdServiceCreation(real: ClusterClient, onHeld: () => void): ClusterClient {
  const request = (req: KubeRequest) => {
    if (req.method === "POST" && req.path.endsWith("/services")) {
      onHeld();
      return new Promise<never>((_resolve, reject) => {
        req.signal?.addEventListener("abort", () => reject(new KubeError("cancelled", "request cancelled")), {
          once: true,
        });
      });
    }
    return real.request(req);
  };
  return { ...real, request, json: async (req) => JSON.parse((await request(req)).body) };
}

describe("pods_run cancelled while creating its Service", () => {
  let ts: TestServer;
  let ns: string;
  let held: () => void = () => {};
  beforeAll(async () => {
    ns = await freshNamespace(dfw1!, "runcancel");
    ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, auto_discovery: false });
    const manager = ts.deps.clusters;
    const original = manager.client.bind(manager);
    manager.client = async (name: string, signal?: AbortSignal) =>
      holdServiceCreation(await original(name, signal), () => held());
  });
  afterAll(async () => {
    await ts?.close();
  });

  it("removes the Pod with a fresh signal and says so truthfully", async () => {
    const controller = new AbortController();
    const serviceHeld = new Promise<void>((resolve) => {
      held = resolve;
    });
    const call = ts.client
      .callTool(
        {
          name: "pods_run",
          arguments: { cluster: dfw1!.name, namespace: ns, name: "web", image: "nginx:1.27", port: 80 },
        },
        { signal: controller.signal },
      )
      .catch((err: unknown) => err);
    await serviceHeld;
    expect(await statusOf(dfw1!, `/api/v1/namespaces/${ns}/pods/web`)).toBe(200); // the Pod exists now
    controller.abort();
    expect(await call).toBeInstanceOf(Error); // the client sees its own cancellation
    await waitUntil(
      "the pod rolled back",
      async () => (await statusOf(dfw1!, `/api/v1/namespaces/${ns}/pods/web`)) === 404,
    );
    await waitUntil("the call audited", async () => ts.records.some((r) => r.tool === "pods_run"));
    const rec = ts.records.find((r) => r.tool === "pods_run");
    expect(rec?.outcome).toBe("cancelled"); // the client abandoned it: recorded as such, with what happened
    expect(rec?.error).toMatch(/the pod was removed again/);
    expect(await statusOf(dfw1!, `/api/v1/namespaces/${ns}/services/web`)).toBe(404);
    // The server still serves the next call on that cluster.
    const next = await ts.call("pods_list_in_namespace", { cluster: dfw1!.name, namespace: ns });
    expect(next.isError).toBeFalsy();
    expect((next.structuredContent as { cluster: string; count: number }).count).toBe(0);
  });
});
