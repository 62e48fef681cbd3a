// The server `instructions` shown to the agent: how clusters work here, in a few lines.
import type { ServerDeps } from "./deps.js";

/** Why: agents behave better when told the cluster model up front (active cluster, `cluster` arg, fan-out). */
export function serverInstructions(deps: ServerDeps): string {
  const lines = [
    "This server reaches a fleet of Kubernetes clusters. Each kubeconfig file in the configured directory is one cluster, named by its file name; aliases map friendly names to clusters.",
    "Every Kubernetes tool takes an optional `cluster` (name or alias). Without it, the tool runs on this session's active cluster; clusters_switch changes that (for this session only, no kubeconfig file is written).",
    "Start with clusters_list to see the clusters and which one is active, and clusters_status to check which are reachable.",
    "To run the same read across many clusters, use clusters_exec_all instead of calling a tool once per cluster.",
  ];
  if (deps.config.read_only)
    lines.push("The server is in read-only mode: only read-only tools are available.");
  if (deps.config.read_only_clusters.length) {
    lines.push(`These clusters accept only read-only tools: ${deps.config.read_only_clusters.join(", ")}.`);
  }
  return lines.join("\n");
}
