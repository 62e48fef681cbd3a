// Which container a pod-level command (logs, exec) uses when the caller names none, the way kubectl picks it.
import type { ApiResource } from "./api-resources.js";
import type { ScopedClient } from "./scoped.js";

interface PodContainers {
  metadata?: { annotations?: Record<string, string> };
  spec?: { containers?: { name: string }[] };
}

/** Why: multi-container pods (every service-mesh pod) need a container; kubectl's default-container rule applies. */
export async function defaultContainer(
  client: ScopedClient,
  pods: ApiResource,
  name: string,
  namespace: string | undefined,
): Promise<{ chosen: string | undefined; containers: string[] }> {
  const pod = await client.get<PodContainers>({ resource: pods, name, namespace });
  const containers = pod.spec?.containers?.map((c) => c.name) ?? [];
  const annotated = pod.metadata?.annotations?.["kubectl.kubernetes.io/default-container"];
  const chosen = annotated && containers.includes(annotated) ? annotated : containers[0];
  return { chosen, containers };
}
