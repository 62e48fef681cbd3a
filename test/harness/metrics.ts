// STUB of metrics-server: CRDs make the REAL apiserver serve metrics.k8s.io/v1beta1 PodMetrics ("pods") and
// NodeMetrics ("nodes"); tests publish the numbers. The group is protected (*.k8s.io), so the CRDs carry the
// "api-approved.kubernetes.io: unapproved, ..." annotation the apiserver requires. Objects are writable, unlike
// the real API; reads (get/list/watch, label selectors) have the real shape.
import { setTimeout as sleep } from "node:timers/promises";
import { type ApiTarget, apiRequest } from "./https.js";

/** Why: the group/version the real metrics API uses, which clients hard-code. */
export const METRICS_API = "metrics.k8s.io/v1beta1";

/** Why: one container's usage as metrics-server reports it (Kubernetes quantities). */
export interface ContainerUsage {
  name: string;
  cpu: string;
  memory: string;
}

/** Why: override the sample time/window or copy the pod's labels, as metrics-server does. */
export interface MetricsOptions {
  timestamp?: string;
  window?: string;
  labels?: Record<string, string>;
}

const quantity = { anyOf: [{ type: "integer" }, { type: "string" }], "x-kubernetes-int-or-string": true };
const usage = { type: "object", additionalProperties: quantity };

function crd(
  plural: string,
  kind: string,
  scope: "Namespaced" | "Cluster",
  fields: Record<string, unknown>,
): object {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      name: `${plural}.metrics.k8s.io`,
      annotations: { "api-approved.kubernetes.io": "unapproved, k8s-mcp test stub of metrics-server" },
    },
    spec: {
      group: "metrics.k8s.io",
      scope,
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      versions: [
        {
          name: "v1beta1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: {
                apiVersion: { type: "string" },
                kind: { type: "string" },
                metadata: { type: "object" },
                timestamp: { type: "string", format: "date-time" },
                window: { type: "string" },
                ...fields,
              },
            },
          },
        },
      ],
    },
  };
}

const POD_FIELDS = {
  containers: {
    type: "array",
    items: {
      type: "object",
      required: ["name", "usage"],
      properties: { name: { type: "string" }, usage },
    },
  },
};

/** Why: each cluster gets the metrics API once, at startup; resolves when both resources are served. */
export async function installMetricsApi(target: ApiTarget, timeoutMs = 30_000): Promise<void> {
  const crds = [
    crd("pods", "PodMetrics", "Namespaced", POD_FIELDS),
    crd("nodes", "NodeMetrics", "Cluster", { usage }),
  ];
  for (const body of crds) {
    const res = await apiRequest(
      target,
      "POST",
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
      body,
    );
    if (res.status !== 201 && res.status !== 409)
      throw new Error(`installing metrics CRD: ${res.status} ${res.body}`);
  }
  const started = Date.now();
  for (const path of [`/apis/${METRICS_API}/pods`, `/apis/${METRICS_API}/nodes`]) {
    while ((await apiRequest(target, "GET", path)).status !== 200) {
      if (Date.now() - started > timeoutMs)
        throw new Error(`metrics API not served after ${timeoutMs}ms: ${path}`);
      await sleep(50);
    }
  }
}

function sampleTime(opts: MetricsOptions): { timestamp: string; window: string } {
  return {
    timestamp: opts.timestamp ?? new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    window: opts.window ?? "15s",
  };
}

// Server-side apply creates or replaces the sample in one request.
async function apply(target: ApiTarget, path: string, body: object): Promise<void> {
  const res = await apiRequest(
    target,
    "PATCH",
    `${path}?fieldManager=k8s-mcp-test&force=true`,
    body,
    "application/apply-patch+yaml",
  );
  if (res.status !== 200 && res.status !== 201)
    throw new Error(`publishing ${path}: ${res.status} ${res.body}`);
}

/** Why: pod "top" tests set exactly the usage they assert on. */
export async function publishPodMetrics(
  target: ApiTarget,
  namespace: string,
  pod: string,
  containers: readonly ContainerUsage[],
  opts: MetricsOptions = {},
): Promise<void> {
  await apply(target, `/apis/${METRICS_API}/namespaces/${namespace}/pods/${pod}`, {
    apiVersion: METRICS_API,
    kind: "PodMetrics",
    metadata: { name: pod, namespace, labels: opts.labels ?? {} },
    ...sampleTime(opts),
    containers: containers.map((c) => ({ name: c.name, usage: { cpu: c.cpu, memory: c.memory } })),
  });
}

/** Why: node "top" tests set exactly the usage they assert on. */
export async function publishNodeMetrics(
  target: ApiTarget,
  node: string,
  usage: { cpu: string; memory: string },
  opts: MetricsOptions = {},
): Promise<void> {
  await apply(target, `/apis/${METRICS_API}/nodes/${node}`, {
    apiVersion: METRICS_API,
    kind: "NodeMetrics",
    metadata: { name: node, labels: opts.labels ?? {} },
    ...sampleTime(opts),
    usage: { cpu: usage.cpu, memory: usage.memory },
  });
}
