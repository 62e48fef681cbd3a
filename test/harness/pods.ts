// Test-side pod helpers: create many pods fast and await what the node simulator makes of them, via the apiserver.
import { setTimeout as sleep } from "node:timers/promises";
import { type ApiTarget, apiRequest } from "./https.js";

/** Why: knobs for bulk pod creation; defaults give one tiny "app" container per pod. */
export interface CreatePodsOptions {
  prefix?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  containers?: readonly string[];
  image?: string;
  concurrency?: number;
}

const METADATA_ONLY = { Accept: "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1" };

/** Why: tests and benchmarks need their own namespace; an existing one is fine. */
export async function ensureNamespace(target: ApiTarget, namespace: string): Promise<void> {
  const res = await apiRequest(target, "POST", "/api/v1/namespaces", { metadata: { name: namespace } });
  if (res.status !== 201 && res.status !== 409)
    throw new Error(`creating namespace ${namespace}: ${res.status} ${res.body}`);
}

/** Why: benchmarks need N pods quickly; bounded concurrency keeps the apiserver responsive. Returns the names. */
export async function createPods(
  target: ApiTarget,
  namespace: string,
  count: number,
  opts: CreatePodsOptions = {},
): Promise<string[]> {
  await ensureNamespace(target, namespace);
  const prefix = opts.prefix ?? "pod";
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);
  const containers = (opts.containers ?? ["app"]).map((name) => ({
    name,
    image: opts.image ?? "registry.k8s.io/pause:3.10",
  }));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const name = names[next++]!;
      const pod = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name,
          namespace,
          labels: opts.labels ?? { app: prefix },
          annotations: opts.annotations ?? {},
        },
        spec: { containers },
      };
      const res = await apiRequest(target, "POST", `/api/v1/namespaces/${namespace}/pods`, pod);
      if (res.status !== 201) throw new Error(`creating pod ${namespace}/${name}: ${res.status} ${res.body}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 16, count) }, worker));
  return names;
}

async function countPods(target: ApiTarget, namespace: string, fieldSelector: string): Promise<number> {
  let total = 0;
  let cont = "";
  do {
    const q = `fieldSelector=${encodeURIComponent(fieldSelector)}&limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`;
    const res = await apiRequest(
      target,
      "GET",
      `/api/v1/namespaces/${namespace}/pods?${q}`,
      undefined,
      undefined,
      30_000,
      METADATA_ONLY,
    );
    if (res.status !== 200) throw new Error(`listing pods in ${namespace}: ${res.status} ${res.body}`);
    const list = res.json<{ items: unknown[]; metadata: { continue?: string } }>();
    total += (list.items ?? []).length;
    cont = list.metadata.continue ?? "";
  } while (cont);
  return total;
}

/** Why: tests wait for the simulator instead of sleeping; resolves with the ms waited, throws on timeout. */
export async function waitForPodsRunning(
  target: ApiTarget,
  namespace: string,
  count: number,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  let running = 0;
  while (Date.now() - started < timeoutMs) {
    running = await countPods(target, namespace, "status.phase=Running");
    if (running >= count) return Date.now() - started;
    await sleep(200);
  }
  throw new Error(`timed out after ${timeoutMs}ms: ${running}/${count} pods Running in ${namespace}`);
}

/** Why: unhealthy-pod tests (Failed, Succeeded, Pending) wait for one pod's reported phase; returns the pod. */
export async function waitForPodPhase<T = Record<string, unknown>>(
  target: ApiTarget,
  namespace: string,
  name: string,
  phase: string,
  timeoutMs: number,
): Promise<T> {
  const started = Date.now();
  let seen = "";
  while (Date.now() - started < timeoutMs) {
    const res = await apiRequest(target, "GET", `/api/v1/namespaces/${namespace}/pods/${name}`);
    if (res.status === 200) {
      const pod = res.json<T & { status?: { phase?: string; startTime?: string } }>();
      seen = pod.status?.phase ?? "";
      // startTime marks the simulated kubelet's report, so a just-created Pending pod does not count yet.
      if (seen === phase && pod.status?.startTime) return pod;
    }
    await sleep(100);
  }
  throw new Error(
    `timed out after ${timeoutMs}ms: pod ${namespace}/${name} is ${seen || "absent"}, not ${phase}`,
  );
}
