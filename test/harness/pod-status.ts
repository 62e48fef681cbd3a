// What the simulated kubelet reports for a pod: a pure function from the pod (and its test annotations) to status.
import { createHash } from "node:crypto";

/** Why: the slice of a container spec the simulator reads. */
export interface SimContainer {
  name: string;
  image?: string;
  restartPolicy?: string;
}

/** Why: the slice of a Pod the simulator reads. */
export interface SimPod {
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    annotations?: Record<string, string>;
  };
  spec: {
    nodeName?: string;
    schedulerName?: string;
    schedulingGates?: unknown[];
    containers: SimContainer[];
    initContainers?: SimContainer[];
  };
  status?: { phase?: string; startTime?: string };
}

/** Why: tests pick an unhealthy outcome per pod: running (default), crashloop, failed, succeeded, imagepullbackoff. */
export const STATE_ANNOTATION = "k8s-mcp.test/state";
/** Why: restart count to report (running and crashloop); restarts > 0 also records a terminated lastState. */
export const RESTARTS_ANNOTATION = "k8s-mcp.test/restarts";

type JsonObject = Record<string, unknown>;

function sha(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function imageFields(c: SimContainer, uid: string): JsonObject {
  const image = c.image ?? "";
  const repo = image.replace(/:[^/:]+$/, "");
  return {
    name: c.name,
    image,
    imageID: `${repo}@sha256:${sha(image)}`,
    containerID: `containerd://${sha(`${uid}/${c.name}`)}`,
  };
}

function condition(type: string, ok: boolean, now: string, reason?: string): JsonObject {
  return {
    type,
    status: ok ? "True" : "False",
    lastProbeTime: null,
    lastTransitionTime: now,
    ...(reason ? { reason } : {}),
  };
}

function terminated(exitCode: number, startedAt: string, finishedAt: string): JsonObject {
  return { exitCode, reason: exitCode === 0 ? "Completed" : "Error", startedAt, finishedAt };
}

/** Why: the status a kubelet would PATCH once the pod's containers started (or failed to). */
export function simulatedStatus(pod: SimPod, podIP: string, hostIP: string, now: string): JsonObject {
  const uid = pod.metadata.uid;
  const state = pod.metadata.annotations?.[STATE_ANNOTATION] ?? "running";
  const restartsRaw = Number(pod.metadata.annotations?.[RESTARTS_ANNOTATION] ?? "");
  const restarts =
    Number.isInteger(restartsRaw) && restartsRaw >= 0 ? restartsRaw : state === "crashloop" ? 5 : 0;
  const earlier = new Date(Date.parse(now) - 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const lastState = restarts > 0 ? { terminated: terminated(1, earlier, now) } : {};
  const containerStatuses = pod.spec.containers.map((c): JsonObject => {
    const base = { ...imageFields(c, uid), restartCount: restarts, lastState };
    switch (state) {
      case "crashloop":
        return {
          ...base,
          ready: false,
          started: false,
          state: {
            waiting: {
              reason: "CrashLoopBackOff",
              message: `back-off 5m0s restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${uid})`,
            },
          },
        };
      case "failed":
      case "succeeded":
        return {
          ...base,
          ready: false,
          started: false,
          state: { terminated: terminated(state === "failed" ? 1 : 0, now, now) },
        };
      case "imagepullbackoff":
        return {
          ...base,
          imageID: "",
          containerID: undefined,
          ready: false,
          started: false,
          state: {
            waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${c.image ?? ""}"` },
          },
        };
      default:
        return { ...base, ready: true, started: true, state: { running: { startedAt: now } } };
    }
  });
  const initContainerStatuses = (pod.spec.initContainers ?? []).map(
    (c): JsonObject => ({
      ...imageFields(c, uid),
      restartCount: 0,
      lastState: {},
      ...(c.restartPolicy === "Always"
        ? { ready: true, started: true, state: { running: { startedAt: now } } }
        : { ready: true, started: false, state: { terminated: terminated(0, now, now) } }),
    }),
  );
  const phase =
    state === "failed"
      ? "Failed"
      : state === "succeeded"
        ? "Succeeded"
        : state === "imagepullbackoff"
          ? "Pending"
          : "Running";
  const ready = state === "running";
  const notReady = phase === "Succeeded" ? "PodCompleted" : "ContainersNotReady";
  return {
    phase,
    conditions: [
      condition("PodReadyToStartContainers", phase === "Running" || phase === "Pending", now),
      condition("Initialized", true, now),
      condition("Ready", ready, now, ready ? undefined : notReady),
      condition("ContainersReady", ready, now, ready ? undefined : notReady),
      condition("PodScheduled", true, now),
    ],
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: now,
    containerStatuses,
    ...(initContainerStatuses.length ? { initContainerStatuses } : {}),
  };
}
