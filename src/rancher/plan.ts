// Pure planning of a refresh or discovery: what to fetch, what is fresh enough to skip, what vanished.
import { isValidKubeconfig, type LocalFile } from "./local.js";
import { isFresh } from "./state.js";
import type { RemoteCluster } from "./types.js";

/** Why: everything the decision depends on, so it is unit-testable without Rancher or a disk. */
export interface PlanInput {
  mode: "refresh" | "discover";
  /** undefined: the driver cannot list (nsk without a working list command) */
  remote: RemoteCluster[] | undefined;
  local: Map<string, LocalFile>;
  /** cluster_pattern / exclude_clusters from the configuration */
  filter: (name: string) => boolean;
  /** the `pattern` argument of nsk_clusters_discover */
  select?: (name: string) => boolean;
  force: boolean;
  /** regenerate these even if fresh: their credentials expire within refresh_before_expiry */
  renew?: ReadonlySet<string>;
  now: number;
  intervalMs: number;
}

/** Why: the plan the drivers execute and the report is built from. */
export interface Plan {
  targets: RemoteCluster[] | "all";
  /** skipped: the file is still fresh (refresh without force) */
  fresh: string[];
  /** discover: already present in the directory */
  present: string[];
  /** files whose cluster Rancher no longer has; reported, never deleted */
  vanished: string[];
  /** fresh by age, yet regenerated because their credentials expire soon */
  renewed: string[];
  remoteCount?: number;
}

/** Why: one rule for both drivers and both tools. */
export function planRefresh(p: PlanInput): Plan {
  if (!p.remote) return { targets: "all", fresh: [], present: [], vanished: [], renewed: [] };
  const remoteNames = new Set(p.remote.map((c) => c.name));
  const vanished = [...p.local.keys()].filter((n) => !remoteNames.has(n)).sort();
  const wanted = p.remote.filter((c) => p.filter(c.name) && (p.select ? p.select(c.name) : true));
  const targets: RemoteCluster[] = [];
  const fresh: string[] = [];
  const present: string[] = [];
  const renewed: string[] = [];
  for (const c of wanted) {
    const file = p.local.get(c.name);
    if (p.mode === "discover") {
      if (file) present.push(c.name);
      else targets.push(c);
      continue;
    }
    const keep =
      !p.force &&
      file !== undefined &&
      isFresh(file.mtimeMs, p.now, p.intervalMs) &&
      isValidKubeconfig(file.content, file.path);
    if (keep && p.renew?.has(c.name)) renewed.push(c.name);
    if (keep && !p.renew?.has(c.name)) fresh.push(c.name);
    else targets.push(c);
  }
  return {
    targets,
    fresh: fresh.sort(),
    present: present.sort(),
    vanished,
    renewed: renewed.sort(),
    remoteCount: p.remote.length,
  };
}
