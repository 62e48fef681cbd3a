// Which container a pod-level command (logs, exec) uses when the caller names none, the way kubectl picks it.
import type { Config } from "../config/index.js";
import { coreResource } from "./api-resources.js";
import type { ClusterClient } from "./client.js";
import { getObject } from "./objects.js";

interface PodContainers {
  metadata?: { annotations?: Record<string, string> };
  spec?: { containers?: { name: string }[] };
}

/** Why: multi-container pods (every service-mesh pod) need a container; kubectl's default-container rule applies. */
export async function defaultContainer(
  client: ClusterClient,
  config: Config,
  name: string,
  namespace: string,
  signal: AbortSignal,
): Promise<{ chosen: string | undefined; containers: string[] }> {
  const pod = (await getObject(
    client,
    coreResource(config, "Pod", "pods", true),
    name,
    namespace,
    signal,
  )) as PodContainers;
  const containers = pod.spec?.containers?.map((c) => c.name) ?? [];
  const annotated = pod.metadata?.annotations?.["kubectl.kubernetes.io/default-container"];
  const chosen = annotated && containers.includes(annotated) ? annotated : containers[0];
  return { chosen, containers };
}
