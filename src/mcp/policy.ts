// Read-only, disable-destructive and read-only-clusters, all derived from tool annotations in one place.
import { matchesAnyGlob } from "../clusters/discovery/filter.js";
import type { Config } from "../config/index.js";
import { ToolError } from "../errors.js";
import type { AnyTool } from "./tool.js";

/** Why: a tool that policy disables is neither listed nor callable. */
export function isToolEnabled(tool: AnyTool, config: Config): boolean {
  const sessionOnly = tool.kind === "fleet" && tool.sessionOnly === true;
  if (config.read_only && !tool.annotations.readOnlyHint && !sessionOnly) return false;
  if (config.disable_destructive && tool.annotations.destructiveHint) return false;
  return true;
}

/** Why: `read_only_clusters` refuses writes per cluster, at call time, with a clear reason. */
export function assertClusterAllows(tool: AnyTool, cluster: string, config: Config): void {
  if (tool.annotations.readOnlyHint) return;
  const stem = cluster.split("/")[0] ?? cluster;
  // Entries may name aliases ("production"): a cluster is read-only when it or any alias of it matches.
  const aliases = Object.entries(config.cluster_aliases)
    .filter(([, target]) => target === cluster || target === stem)
    .map(([alias]) => alias);
  if ([cluster, stem, ...aliases].some((n) => matchesAnyGlob(n, config.read_only_clusters))) {
    throw new ToolError(
      `${tool.name} is refused on cluster '${cluster}': it is configured read-only (read_only_clusters)`,
      "only read-only tools may run on this cluster; use another cluster or a read-only tool",
    );
  }
}
