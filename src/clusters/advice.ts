// What to tell someone whose fleet is empty: why (from the sources and their problems) and only steps that can work.
import type { Problem } from "./discovery/types.js";

/** Why: the facts an empty fleet is explained from; plain data, so the advice is testable without a registry. */
export interface FleetFacts {
  kubeconfigDir?: string;
  classicPaths: string[];
  problems: Problem[];
  hidden: number;
  /** nsk_refresh is offered on this server (Rancher configured and writes allowed). */
  canRefresh: boolean;
}

/** Why: "known clusters: (none)" helps nobody; this says why there is no cluster and what would add one. */
export function emptyFleetAdvice(f: FleetFacts): string {
  const why: string[] = [];
  if (f.kubeconfigDir)
    why.push(
      `the directory ${f.kubeconfigDir} holds no *.yaml, *.yml or *.kubeconfig file this server can use`,
    );
  if (f.classicPaths.length) why.push(`the kubeconfig ${f.classicPaths.join(", ")} has no usable context`);
  if (!f.kubeconfigDir && !f.classicPaths.length) why.push("no kubeconfig source is configured");
  if (f.hidden) why.push(`${f.hidden} cluster(s) are hidden by cluster_pattern/exclude_clusters`);
  const seen = f.problems.slice(0, 3).map((p) => p.message);
  const steps: string[] = [];
  if (f.canRefresh) steps.push("run nsk_refresh to fetch kubeconfigs from Rancher");
  steps.push(
    f.kubeconfigDir
      ? `put one kubeconfig file per cluster in ${f.kubeconfigDir} (named <cluster>.yaml)`
      : "restart k8s-mcp with --kubeconfig-dir <directory of kubeconfig files> or --kubeconfig <file>",
  );
  if (f.hidden) steps.push("or widen cluster_pattern/exclude_clusters");
  return [`${why.join("; ")}.`, ...seen.map((m) => `${m}.`), `To add a cluster: ${steps.join("; ")}.`]
    .join(" ")
    .replace(/\.\./g, ".");
}
