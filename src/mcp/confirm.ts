// Per-cluster write confirmation (confirm_clusters): writes there need `confirm: true` or an accepted prompt.
import { matchesAnyGlob } from "../clusters/discovery/filter.js";
import type { Config } from "../config/index.js";
import { ToolError } from "../errors.js";
import type { AnyTool } from "./tool.js";

/** Why: the `confirm` argument, described once; registration adds it to every write tool when configured. */
export const CONFIRM_ARG_DESCRIPTION =
  "Set true to run this write on a cluster listed in confirm_clusters (otherwise you are asked, or it is refused).";

/** Why: cluster lists in the config may name a cluster, its `file/context` stem or any alias, or globs of them. */
export function clusterMatches(cluster: string, patterns: string[], config: Config): boolean {
  if (!patterns.length) return false;
  const stem = cluster.split("/")[0] ?? cluster;
  const aliases = Object.entries(config.cluster_aliases)
    .filter(([, target]) => target === cluster || target === stem)
    .map(([alias]) => alias);
  return [cluster, stem, ...aliases].some((n) => matchesAnyGlob(n, patterns));
}

/** Why: a write needs confirmation when its cluster is listed in confirm_clusters. */
export function needsConfirmation(tool: AnyTool, cluster: string, config: Config): boolean {
  return !tool.annotations.readOnlyHint && clusterMatches(cluster, config.confirm_clusters, config);
}

/** Why: the refusal an agent can act on; shared by single calls and fan-outs. */
export function notConfirmed(what: string, clusters: string[]): ToolError {
  return new ToolError(
    `${what} needs confirmation on ${clusters.map((c) => `'${c}'`).join(", ")} (listed in confirm_clusters); not confirmed`,
    "check the target, then call again with confirm: true (or accept the confirmation prompt)",
  );
}

/** Why: called once per cluster-aware call after the cluster is resolved; asks through elicitation if it can. */
export async function assertWriteConfirmed(
  tool: AnyTool,
  cluster: string,
  confirmed: boolean,
  ask: (message: string) => Promise<boolean>,
  config: Config,
): Promise<void> {
  if (confirmed || !needsConfirmation(tool, cluster, config)) return;
  if (await ask(`Run ${tool.name} on cluster '${cluster}' (listed in confirm_clusters)?`)) return;
  throw notConfirmed(tool.name, [cluster]);
}
