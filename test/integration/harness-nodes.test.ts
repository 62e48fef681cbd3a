// Proves the simulated node: real apiservers schedule/run pods on it, proxy pods/log to the kubelet STUB, finish
// deletions, and serve the metrics API STUB (CRDs). Stubs: kubelet API (kubelet.ts), metrics-server (metrics.ts).
import { randomBytes } from "node:crypto";
import { describe, expect, inject, it, vi } from "vitest";
import { type ApiTarget, apiRequest } from "../harness/https.js";
import { LOG_LINES_ANNOTATION, logLine } from "../harness/kubelet.js";
import { publishNodeMetrics, publishPodMetrics } from "../harness/metrics.js";
import { createPods, waitForPodPhase, waitForPodsRunning } from "../harness/node-sim.js";
import { RESTARTS_ANNOTATION, STATE_ANNOTATION } from "../harness/pod-status.js";

const cp = inject("controlplane");
const admin = (i: number): ApiTarget => {
  const c = cp.clusters[i]!;
  return { server: c.server, ca: c.ca, token: c.adminToken };
};
const A = admin(0);
const B = admin(1);
const ns = `nodes-${randomBytes(3).toString("hex")}`;

interface Pod {
  spec: { nodeName?: string };
  status: {
    phase: string;
    podIP?: string;
    hostIP?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: {
      name: string;
      ready: boolean;
      restartCount: number;
      state: Record<string, unknown>;
    }[];
  };
}

async function getLog(
  target: ApiTarget,
  pod: string,
  query: string,
): Promise<{ status: number; body: string }> {
  const res = await apiRequest(target, "GET", `/api/v1/namespaces/${ns}/pods/${pod}/log?${query}`);
  return { status: res.status, body: res.body };
}

describe("simulated node (kubelet + metrics stubs) on real apiservers", () => {
  it("registers a Ready node per cluster that advertises the kubelet stub", async () => {
    for (const [i, c] of cp.clusters.entries()) {
      const res = await apiRequest(admin(i), "GET", `/api/v1/nodes/${c.nodeName}`);
      expect(res.status).toBe(200);
      const node = res.json<{
        status: {
          conditions: { type: string; status: string }[];
          daemonEndpoints: { kubeletEndpoint: { Port: number } };
        };
      }>();
      expect(node.status.conditions.find((x) => x.type === "Ready")?.status).toBe("True");
      expect(node.status.daemonEndpoints.kubeletEndpoint.Port).toBe(c.kubeletPort);
    }
  });

  it("runs a pod created on cluster B on sim-node-1; cluster A never sees it", async () => {
    await createPods(B, ns, 1, { prefix: "web", annotations: { [LOG_LINES_ANNOTATION]: "20" } });
    const pod = await waitForPodPhase<Pod>(B, ns, "web-1", "Running", 20_000);
    expect(pod.spec.nodeName).toBe("sim-node-1");
    expect(pod.status.hostIP).toBe("127.0.0.1");
    expect(pod.status.podIP).toMatch(/^10\.244\./);
    expect(pod.status.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
    expect(pod.status.containerStatuses?.[0]).toMatchObject({ name: "app", ready: true, restartCount: 0 });
    expect((await apiRequest(A, "GET", `/api/v1/namespaces/${ns}/pods/web-1`)).status).toBe(404);
  });

  it("serves deterministic logs through the real apiserver's pods/log proxy", async () => {
    const tail = await getLog(B, "web-1", "tailLines=3");
    expect(tail.status).toBe(200);
    expect(tail.body).toBe([18, 19, 20].map((i) => `${logLine(ns, "web-1", "app", i)}\n`).join(""));
    const all = await getLog(B, "web-1", "");
    expect(all.body.trimEnd().split("\n")).toHaveLength(20);
    const prev = await getLog(B, "web-1", "tailLines=1&previous=true");
    expect(prev.body).toBe(`${logLine(ns, "web-1", "app", 20, true)}\n`);
    const ts = await getLog(B, "web-1", "tailLines=1&timestamps=true");
    expect(ts.body).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z .*line 20\n$/);
    const limited = await getLog(B, "web-1", "limitBytes=10");
    expect(limited.body).toBe(logLine(ns, "web-1", "app", 1).slice(0, 10));
    expect((await getLog(B, "web-1", "container=nope")).status).toBe(400);
  });

  it("reports annotated unhealthy states (crashloop with restarts, failed)", async () => {
    await createPods(B, ns, 1, {
      prefix: "crash",
      annotations: { [STATE_ANNOTATION]: "crashloop", [RESTARTS_ANNOTATION]: "7" },
    });
    await createPods(B, ns, 1, { prefix: "fail", annotations: { [STATE_ANNOTATION]: "failed" } });
    const crash = await waitForPodPhase<Pod>(B, ns, "crash-1", "Running", 20_000);
    expect(crash.status.containerStatuses?.[0]).toMatchObject({
      ready: false,
      restartCount: 7,
      state: { waiting: { reason: "CrashLoopBackOff" } },
    });
    await waitForPodPhase<Pod>(B, ns, "fail-1", "Failed", 20_000);
  });

  it("completes a graceful pod deletion, as a kubelet would", async () => {
    await createPods(B, ns, 1, { prefix: "doomed" });
    await waitForPodPhase<Pod>(B, ns, "doomed-1", "Running", 20_000);
    expect((await apiRequest(B, "DELETE", `/api/v1/namespaces/${ns}/pods/doomed-1`)).status).toBe(200);
    await vi.waitFor(
      async () =>
        expect((await apiRequest(B, "GET", `/api/v1/namespaces/${ns}/pods/doomed-1`)).status).toBe(404),
      { timeout: 20_000, interval: 50 },
    );
  });

  it("brings 200 bulk-created pods to Running in bounded time", async () => {
    const bulk = `${ns}-bulk`;
    const started = Date.now();
    await createPods(B, bulk, 200, { prefix: "bulk" });
    const created = Date.now() - started;
    await waitForPodsRunning(B, bulk, 200, 60_000);
    const total = Date.now() - started;
    process.stderr.write(
      `[harness-nodes] 200 pods: created in ${created} ms, all Running after ${total} ms\n`,
    );
    expect(total).toBeLessThan(60_000);
  });

  it("serves PodMetrics and NodeMetrics at the real metrics.k8s.io paths", async () => {
    await publishPodMetrics(B, ns, "web-1", [{ name: "app", cpu: "12m", memory: "34Mi" }], {
      labels: { app: "web" },
    });
    await publishNodeMetrics(B, "sim-node-1", { cpu: "250m", memory: "1Gi" });
    const pods = await apiRequest(
      B,
      "GET",
      `/apis/metrics.k8s.io/v1beta1/namespaces/${ns}/pods?labelSelector=app%3Dweb`,
    );
    expect(pods.status).toBe(200);
    const podList = pods.json<{
      kind: string;
      items: { metadata: { name: string }; window: string; containers: unknown[] }[];
    }>();
    expect(podList.kind).toBe("PodMetricsList");
    expect(podList.items).toHaveLength(1);
    expect(podList.items[0]).toMatchObject({
      metadata: { name: "web-1" },
      window: "15s",
      containers: [{ name: "app", usage: { cpu: "12m", memory: "34Mi" } }],
    });
    const nodes = await apiRequest(B, "GET", "/apis/metrics.k8s.io/v1beta1/nodes");
    const nodeList = nodes.json<{
      kind: string;
      items: { metadata: { name: string }; usage: unknown; timestamp: string }[];
    }>();
    expect(nodeList.kind).toBe("NodeMetricsList");
    expect(nodeList.items[0]).toMatchObject({
      metadata: { name: "sim-node-1" },
      usage: { cpu: "250m", memory: "1Gi" },
    });
    expect(Date.parse(nodeList.items[0]!.timestamp)).not.toBeNaN();
    expect(
      (await apiRequest(A, "GET", `/apis/metrics.k8s.io/v1beta1/namespaces/${ns}/pods`)).json<{
        items: unknown[];
      }>().items,
    ).toHaveLength(0);
  });
});
