// The server `instructions` shown to the agent: how clusters work here, in a few lines.
import type { ServerDeps } from "./deps.js";
import { CLUSTERS_URI } from "./resources.js";

/** Why: agents behave better when told the cluster model up front (active cluster, `cluster` arg, fan-out, prompts, resources). */
export function serverInstructions(deps: ServerDeps): string {
  const c = deps.config;
  const lines = [
    "This server reaches a fleet of Kubernetes clusters. Each kubeconfig file in the configured directory is one cluster, named by its file name; aliases map friendly names to clusters.",
    c.require_cluster
      ? "Every Kubernetes tool requires `cluster` (name or alias): this server never uses an implicit active cluster (require_cluster)."
      : "Every Kubernetes tool takes an optional `cluster` (name or alias). Without it, the tool runs on this session's active cluster; clusters_switch changes that (for this session only, no kubeconfig file is written).",
    "Start with clusters_list to see the clusters and which one is active, and clusters_status to check which are reachable.",
    "To run the same read across many clusters, use clusters_exec_all instead of calling a tool once per cluster; clusters_compare shows what differs between clusters.",
    "Results carry structuredContent matching each tool's outputSchema (list rows as objects, objects as JSON, the cluster each ran on). Arguments are strict: an unknown key is an error naming the closest valid one.",
    `Prompts: fleet_health, compare_environments, debug_pod. Resources: ${CLUSTERS_URI} and objects at k8s://{cluster}/{apiVersion}/{kind}/{namespace}/{name} (cluster-scoped: no namespace; write apiVersion 'apps/v1' as apps%2Fv1). Arguments and URI variables complete through completion/complete.`,
  ];
  if (c.read_only) lines.push("The server is in read-only mode: only read-only tools are available.");
  if (c.read_only_clusters.length) {
    lines.push(`These clusters accept only read-only tools: ${c.read_only_clusters.join(", ")}.`);
  }
  if (c.confirm_clusters.length) {
    lines.push(
      `Writes on these clusters need \`confirm: true\` (or an accepted confirmation prompt): ${c.confirm_clusters.join(", ")}.`,
    );
  }
  return lines.join("\n");
}
