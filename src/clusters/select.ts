// Selects clusters by names, aliases or globs (for status and fan-out).
import { ToolError } from "../errors.js";
import { matchesAnyGlob } from "./discovery/filter.js";
import type { ClusterManager } from "./manager.js";

/** Why: `clusters: ["c1-*", "production"]` must mean the same thing in every fleet tool. */
export async function selectClusters(
  manager: Pick<ClusterManager, "refreshIfUnwatched" | "names" | "resolve">,
  selectors: readonly string[] | undefined,
): Promise<string[]> {
  await manager.refreshIfUnwatched();
  const names = manager.names();
  if (!selectors || selectors.length === 0) return names;
  const picked = new Set<string>();
  for (const sel of selectors) {
    if (/[*?]/.test(sel)) {
      const matched = names.filter((n) => matchesAnyGlob(n, [sel]));
      if (matched.length === 0)
        throw new ToolError(`no cluster matches '${sel}'`, `known clusters: ${names.join(", ")}`);
      for (const m of matched) picked.add(m);
    } else {
      picked.add(await manager.resolve(sel));
    }
  }
  return [...picked];
}
