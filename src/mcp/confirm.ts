// Per-cluster write confirmation (confirm_clusters): writes there need `confirm: true` or an accepted prompt.
import { matchesAnyGlob } from "../clusters/discovery/filter.js";
import type { Config } from "../config/index.js";
import { ToolError } from "../errors.js";

/** Why: the `confirm` argument, described once; registration adds it to every write tool when configured. */
export const CONFIRM_ARG_DESCRIPTION =
  "Set true to confirm this write: on a cluster listed in confirm_clusters, or (resources_scale) to more replicas than max_replicas. Otherwise you are asked, or it is refused.";

/**
 * Why: writes on a cluster listed in confirm_clusters need confirmation. `namesOf` is the registry's one address
 * resolver run backwards (every name, `<file>/<context>`, symlink target and alias of the cluster). Whether a call
 * writes is decided by the verb of each request it sends (the scoped client's beforeWrite), not by annotations.
 */
export function isConfirmCluster(
  cluster: string,
  config: Config,
  namesOf: (canonical: string) => string[],
): boolean {
  if (config.confirm_clusters.length === 0) return false;
  return namesOf(cluster).some((n) => matchesAnyGlob(n, config.confirm_clusters));
}

/** Why: the refusal an agent can act on; shared by single calls and fan-outs. */
export function notConfirmed(what: string, clusters: string[]): ToolError {
  return new ToolError(
    `${what} needs confirmation on ${clusters.map((c) => `'${c}'`).join(", ")} (listed in confirm_clusters); not confirmed`,
    "check the target, then call again with confirm: true (or accept the confirmation prompt)",
  );
}

/**
 * Why: the scoped client's beforeWrite for one call on a confirm_clusters cluster: asks once (elicitation) before
 * the first write request, refuses when not confirmed; a call already confirmed (argument or fan-out) needs none.
 */
export function writeGate(
  tool: string,
  cluster: string,
  ask: (message: string) => Promise<boolean>,
): (what: string) => Promise<void> {
  let answer: Promise<boolean> | undefined;
  return async (what) => {
    answer ??= ask(`Run ${tool} on cluster '${cluster}' (listed in confirm_clusters)? It would ${what}.`);
    if (!(await answer)) throw notConfirmed(tool, [cluster]);
  };
}

/**
 * Why: thrown by a 2026-07-28 confirm that has no answer yet. The call path lets it through (no result, no audit
 * record: the call is not over); the SDK glue answers it with an input request and the client's retry carries
 * the answer.
 */
export class NeedsConfirmation extends Error {
  override readonly name = "NeedsConfirmation";
}
