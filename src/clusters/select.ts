// Selects clusters by names, aliases or globs (for status and fan-out).
import { ToolError } from "../errors.js";
import { matchesAnyGlob } from "./discovery/filter.js";
import type { ClusterManager } from "./manager.js";

/**
 * Why: `clusters: ["c1-*", "production"]` must mean the same thing in every fleet tool. Explicit names go through
 * the one resolver (refused when hidden); glob and default selections skip clusters isolation refuses.
 */
export async function selectClusters(
  manager: Pick<ClusterManager, "refreshIfUnwatched" | "names" | "resolve" | "reachable">,
  selectors: readonly string[] | undefined,
): Promise<string[]> {
  await manager.refreshIfUnwatched();
  const names = manager.names();
  const reachable = async (list: string[]): Promise<string[]> => {
    const ok = await Promise.all(list.map((n) => manager.reachable(n)));
    return list.filter((_, i) => ok[i]);
  };
  if (!selectors || selectors.length === 0) return reachable(names);
  const picked = new Set<string>();
  for (const sel of selectors) {
    if (/[*?]/.test(sel)) {
      const matched = await reachable(names.filter((n) => matchesAnyGlob(n, [sel])));
      if (matched.length === 0)
        throw new ToolError(`no cluster matches '${sel}'`, `known clusters: ${names.join(", ")}`);
      for (const m of matched) picked.add(m);
    } else {
      picked.add(await manager.resolve(sel));
    }
  }
  return [...picked];
}
