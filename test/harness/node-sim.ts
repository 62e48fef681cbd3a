// Node simulator: stands in for scheduler + kubelet on one cluster. Registers a Node, watches pods, binds unscheduled
// ones to it, reports them Running (or the state their test annotation asks for) and finishes graceful deletions.
import { setTimeout as sleep } from "node:timers/promises";
import { type ApiTarget, apiRequest } from "./https.js";
import { DEFAULT_LOG_LINES, type KubeletPodInfo, LOG_LINES_ANNOTATION } from "./kubelet.js";
import { type SimPod, simulatedStatus } from "./pod-status.js";
import { WatchError, watchStream } from "./watch.js";

export { createPods, waitForPodPhase, waitForPodsRunning } from "./pods.js";

/** Why: the name every cluster's single simulated node gets. */
export const SIM_NODE_NAME = "sim-node-1";

/** Why: what the simulator must know to advertise its kubelet stub. */
export interface NodeSimOptions {
  kubeletPort: number;
  nodeName?: string;
  concurrency?: number;
  /** Server-side watch timeout; the simulator rewatches from the last resourceVersion when it expires. */
  watchTimeoutSeconds?: number;
  log?: (line: string) => void;
}

/** Why: a running simulator: the kubelet stub reads pods through it; stop ends its watch and in-flight work. */
export interface NodeSim {
  nodeName: string;
  pod: (namespace: string, name: string) => KubeletPodInfo | undefined;
  /** Pods bound to this node (the kubelet stub's stats/summary lists them). */
  pods: () => { namespace: string; name: string }[];
  stop: () => Promise<void>;
}

interface PodList {
  metadata: { resourceVersion: string; continue?: string };
  items: SimPod[];
}

type Action = "bind" | "start" | "finish" | "none";

const NODE_IP = "127.0.0.1";

function nodeObject(name: string, port: number, kubeletVersion: string): Record<string, unknown> {
  const resources = { cpu: "4", memory: "8Gi", pods: "110", "ephemeral-storage": "100Gi" };
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const cond = (type: string, status: string, reason: string): Record<string, string> => ({
    type,
    status,
    reason,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
    message: `simulated by the k8s-mcp test harness (${reason})`,
  });
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "node.kubernetes.io/instance-type": "k8s-mcp-sim",
      },
      annotations: { "k8s-mcp.test/simulated": "true" },
    },
    spec: { podCIDR: "10.244.0.0/16", podCIDRs: ["10.244.0.0/16"] },
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [
        cond("MemoryPressure", "False", "KubeletHasSufficientMemory"),
        cond("DiskPressure", "False", "KubeletHasNoDiskPressure"),
        cond("PIDPressure", "False", "KubeletHasSufficientPID"),
        cond("Ready", "True", "KubeletReady"),
      ],
      addresses: [
        { type: "InternalIP", address: NODE_IP },
        { type: "Hostname", address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: port } },
      nodeInfo: {
        machineID: "k8s-mcp-sim",
        systemUUID: "00000000-0000-0000-0000-000000000001",
        bootID: "00000000-0000-0000-0000-000000000002",
        kernelVersion: "6.1.0-sim",
        osImage: "k8s-mcp simulated node",
        containerRuntimeVersion: "containerd://1.7.0-sim",
        kubeletVersion,
        kubeProxyVersion: "",
        operatingSystem: "linux",
        architecture: "amd64",
      },
    },
  };
}

function podPath(p: SimPod): string {
  return `/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}`;
}

function podInfo(p: SimPod): KubeletPodInfo {
  const lines = Number(p.metadata.annotations?.[LOG_LINES_ANNOTATION] ?? DEFAULT_LOG_LINES);
  return {
    containers: [...(p.spec.initContainers ?? []), ...p.spec.containers].map((c) => c.name),
    logLines: Number.isInteger(lines) && lines >= 0 ? lines : DEFAULT_LOG_LINES,
    startedAt: p.status?.startTime ?? p.metadata.creationTimestamp ?? new Date(0).toISOString(),
  };
}

/** Why: one call per cluster registers the node and starts reconciling pods onto it. */
export async function startNodeSim(target: ApiTarget, opts: NodeSimOptions): Promise<NodeSim> {
  const nodeName = opts.nodeName ?? SIM_NODE_NAME;
  const concurrency = opts.concurrency ?? 16;
  const watchTimeout = opts.watchTimeoutSeconds ?? 300;
  const log = opts.log ?? (() => {});
  const version = (await apiRequest(target, "GET", "/version")).json<{ gitVersion: string }>().gitVersion;
  const created = await apiRequest(
    target,
    "POST",
    "/api/v1/nodes",
    nodeObject(nodeName, opts.kubeletPort, version),
  );
  if (created.status !== 201)
    throw new Error(`registering node ${nodeName}: ${created.status} ${created.body}`);

  const pods = new Map<string, KubeletPodInfo>(); // "ns/name" of pods bound here, for the kubelet stub
  const started = new Set<string>(); // uids whose status was reported
  const latest = new Map<string, SimPod>(); // uid -> newest object awaiting work
  const queue: string[] = [];
  const active = new Set<string>();
  const dirty = new Set<string>();
  const inflight = new Set<Promise<void>>();
  const abort = new AbortController();
  let ipSeq = 0;

  const actionFor = (p: SimPod): Action => {
    const mine = p.spec.nodeName === nodeName;
    if (p.metadata.deletionTimestamp) return mine ? "finish" : "none";
    if (!p.spec.nodeName) {
      const scheduler = p.spec.schedulerName ?? "default-scheduler";
      const gated = (p.spec.schedulingGates?.length ?? 0) > 0;
      return scheduler === "default-scheduler" && !gated && (p.status?.phase ?? "Pending") === "Pending"
        ? "bind"
        : "none";
    }
    return mine && !started.has(p.metadata.uid) && (p.status?.phase ?? "Pending") === "Pending"
      ? "start"
      : "none";
  };

  // Retries transient failures (5xx, timeouts); 404/409 mean someone else already moved the pod on.
  const call = async (method: string, path: string, body: unknown, type?: string): Promise<number> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await apiRequest(target, method, path, body, type);
        if (res.status < 500 && res.status !== 429) {
          if (res.status >= 300 && res.status !== 404 && res.status !== 409)
            log(`${method} ${path}: ${res.status} ${res.body.slice(0, 200)}`);
          return res.status;
        }
      } catch (err) {
        if (abort.signal.aborted) return 0;
        if (attempt >= 5) log(`${method} ${path}: ${(err as Error).message}`);
      }
      if (attempt >= 5 || abort.signal.aborted) return 0;
      await sleep(100 * attempt, undefined, { signal: abort.signal }).catch(() => {});
    }
  };

  const reconcile = async (p: SimPod): Promise<void> => {
    const action = actionFor(p);
    const path = podPath(p);
    if (action === "finish") {
      const opts = {
        apiVersion: "v1",
        kind: "DeleteOptions",
        gracePeriodSeconds: 0,
        preconditions: { uid: p.metadata.uid },
      };
      await call("DELETE", path, opts);
      return;
    }
    if (action === "bind") {
      const binding = {
        apiVersion: "v1",
        kind: "Binding",
        metadata: { name: p.metadata.name, namespace: p.metadata.namespace, uid: p.metadata.uid },
        target: { apiVersion: "v1", kind: "Node", name: nodeName },
      };
      if ((await call("POST", `${path}/binding`, binding)) !== 201) return;
      p.spec.nodeName = nodeName;
    }
    if (action === "bind" || action === "start") {
      ipSeq++;
      const podIP = `10.244.${Math.floor(ipSeq / 254) % 256}.${(ipSeq % 254) + 1}`;
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
      const status = simulatedStatus(p, podIP, NODE_IP, now);
      pods.set(`${p.metadata.namespace}/${p.metadata.name}`, podInfo({ ...p, status: { startTime: now } }));
      const code = await call("PATCH", `${path}/status`, { status }, "application/merge-patch+json");
      if (code === 200) started.add(p.metadata.uid);
    }
  };

  const pump = (): void => {
    while (active.size < concurrency && queue.length > 0 && !abort.signal.aborted) {
      const uid = queue.shift()!;
      const pod = latest.get(uid);
      latest.delete(uid);
      if (!pod) continue;
      active.add(uid);
      const task = reconcile(pod)
        .catch((err: Error) =>
          log(`reconcile ${pod.metadata.namespace}/${pod.metadata.name}: ${err.message}`),
        )
        .finally(() => {
          active.delete(uid);
          inflight.delete(task);
          if (dirty.delete(uid) && latest.has(uid)) queue.push(uid);
          pump();
        });
      inflight.add(task);
    }
  };

  const observe = (p: SimPod, deleted: boolean): void => {
    const key = `${p.metadata.namespace}/${p.metadata.name}`;
    const uid = p.metadata.uid;
    if (deleted) {
      if (pods.get(key) && p.spec.nodeName === nodeName) pods.delete(key);
      started.delete(uid);
      latest.delete(uid);
      return;
    }
    if (p.spec.nodeName === nodeName && p.status?.startTime) pods.set(key, podInfo(p));
    if (actionFor(p) === "none") return;
    const queued = latest.has(uid);
    latest.set(uid, p);
    if (active.has(uid)) dirty.add(uid);
    else if (!queued) queue.push(uid);
    pump();
  };

  const relist = async (): Promise<string> => {
    let cont = "";
    let rv = "";
    const seen = new Set<string>();
    do {
      const q = `/api/v1/pods?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`;
      const res = await apiRequest(target, "GET", q, undefined, undefined, 30_000);
      if (res.status !== 200) throw new WatchError(`list pods: ${res.status}`, res.status);
      const list = res.json<PodList>();
      for (const p of list.items) {
        seen.add(`${p.metadata.namespace}/${p.metadata.name}`);
        observe(p, false);
      }
      rv = rv || list.metadata.resourceVersion;
      cont = list.metadata.continue ?? "";
    } while (cont);
    for (const key of pods.keys()) if (!seen.has(key)) pods.delete(key);
    return rv;
  };

  const loop = async (initialRv: string): Promise<void> => {
    let rv = initialRv;
    let failures = 0;
    while (!abort.signal.aborted) {
      try {
        if (!rv) rv = await relist();
        const path = `/api/v1/pods?watch=1&allowWatchBookmarks=true&timeoutSeconds=${watchTimeout}&resourceVersion=${rv}`;
        await watchStream<SimPod>(
          target,
          path,
          (ev) => {
            const meta = (ev.object as { metadata?: { resourceVersion?: string } }).metadata;
            if (meta?.resourceVersion) rv = meta.resourceVersion;
            if (ev.type !== "BOOKMARK") observe(ev.object, ev.type === "DELETED");
          },
          abort.signal,
        );
        failures = 0;
      } catch (err) {
        if (abort.signal.aborted) break;
        if (err instanceof WatchError && err.code === 410) rv = "";
        else failures++;
        if (failures > 0) log(`pod watch: ${(err as Error).message}; retrying`);
        await sleep(Math.min(2000, 100 * 2 ** Math.min(failures, 5)), undefined, {
          signal: abort.signal,
        }).catch(() => {});
      }
    }
  };

  // The first list happens before we return, so pods created right after startup are never missed.
  const running = loop(await relist());

  return {
    nodeName,
    pod: (namespace, name) => pods.get(`${namespace}/${name}`),
    pods: () =>
      [...pods.keys()].map((k) => {
        const [namespace = "", name = ""] = k.split("/");
        return { namespace, name };
      }),
    stop: async () => {
      abort.abort();
      await running;
      await Promise.allSettled([...inflight]);
    },
  };
}
