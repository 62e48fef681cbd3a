// Combines directory and classic kubeconfig sources into one index of visible cluster names.
import { KUBECONFIG_EXTENSIONS } from "./scan.js";
import type { ClassicResult, ClusterIndex, ClusterSource, DirEntry, Problem } from "./types.js";

/** .yaml before .yml before .kubeconfig, so the winner of a stem collision is predictable. */
function extRank(entry: DirEntry): number {
  const rank = KUBECONFIG_EXTENSIONS.findIndex((ext) => entry.path.endsWith(`${entry.stem}${ext}`));
  return rank < 0 ? KUBECONFIG_EXTENSIONS.length : rank;
}

function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Why: decides visibility of a cluster name; `also` are further names of the same cluster (a symlink's target). */
export type NameFilter = (name: string, also?: readonly string[]) => boolean;

// Builds the visible cluster set: filtered names vanish (only counted) and collisions are reported, not hidden.
// A file reachable under a visible name but hidden under another (symlink target, hard link) stays hidden.
export function buildClusterIndex(input: {
  dirEntries: DirEntry[];
  classic?: ClassicResult;
  /** The pod's own cluster (in-cluster mode); a configured kubeconfig of the same name wins, reported. */
  inCluster?: ClusterSource;
  filter: NameFilter;
}): ClusterIndex {
  const problems: Problem[] = [];
  const hiddenNames = new Set<string>();
  const hiddenSources: ClusterSource[] = [];
  const found = new Map<string, ClusterSource>();

  const hiddenFiles = new Set<string>();
  const passes = new Set<DirEntry>();
  for (const entry of input.dirEntries) {
    if (input.filter(entry.stem, entry.linkTarget === undefined ? [] : [entry.linkTarget])) passes.add(entry);
    else if (entry.fileId !== undefined) hiddenFiles.add(entry.fileId);
  }
  const byStem = new Map<string, DirEntry[]>();
  for (const entry of input.dirEntries) {
    if (!passes.has(entry) || (entry.fileId !== undefined && hiddenFiles.has(entry.fileId))) {
      hiddenNames.add(entry.stem);
      hiddenSources.push({ kind: "dir", name: entry.stem, file: entry.path, mtimeMs: entry.mtimeMs });
      continue;
    }
    const group = byStem.get(entry.stem);
    if (group === undefined) byStem.set(entry.stem, [entry]);
    else group.push(entry);
  }
  for (const [name, group] of byStem) {
    group.sort((a, b) => extRank(a) - extRank(b) || byPath(a.path, b.path));
    const [winner, ...losers] = group;
    if (winner === undefined) continue;
    const source: ClusterSource = { kind: "dir", name, file: winner.path, mtimeMs: winner.mtimeMs };
    if (winner.linkTarget !== undefined) source.linkTarget = winner.linkTarget;
    found.set(name, source);
    if (losers.length > 0) {
      const others = losers.map((e) => e.path).join(", ");
      problems.push({
        kind: "collision",
        message: `cluster '${name}' is defined by ${winner.path} and ${others}; using ${winner.path}`,
        file: winner.path,
        cluster: name,
      });
    }
  }

  if (input.classic !== undefined) {
    problems.push(...input.classic.problems);
    for (const ctx of input.classic.contexts) {
      const name = ctx.name;
      if (!input.filter(name)) {
        hiddenNames.add(name);
        hiddenSources.push({ kind: "classic", name, file: ctx.file, context: ctx.name });
        continue;
      }
      const existing = found.get(name);
      if (existing !== undefined) {
        problems.push({
          kind: "collision",
          message:
            `cluster '${name}' is defined by ${existing.file} and by context '${ctx.name}' in ${ctx.file}; ` +
            `using ${existing.file}`,
          file: existing.file,
          cluster: name,
        });
        continue;
      }
      found.set(name, { kind: "classic", name, file: ctx.file, context: ctx.name });
    }
  }

  addInCluster(input.inCluster, input.filter, found, problems, hiddenNames);

  const names = [...found.keys()].sort(byPath);
  const clusters = new Map<string, ClusterSource>();
  for (const name of names) {
    const source = found.get(name);
    if (source !== undefined) clusters.set(name, source);
  }
  return { clusters, problems, hidden: hiddenNames.size, hiddenSources };
}

// In-cluster mode never replaces a configured kubeconfig: on a name clash the file wins and the clash is reported.
function addInCluster(
  src: ClusterSource | undefined,
  filter: NameFilter,
  found: Map<string, ClusterSource>,
  problems: Problem[],
  hiddenNames: Set<string>,
): void {
  if (src === undefined) return;
  if (!filter(src.name)) {
    hiddenNames.add(src.name);
    return;
  }
  const existing = found.get(src.name);
  if (existing === undefined) {
    found.set(src.name, src);
    return;
  }
  problems.push({
    kind: "collision",
    message:
      `cluster '${src.name}' is defined by ${existing.file} and is also this pod's own cluster (in-cluster mode); ` +
      `using ${existing.file}: set in_cluster_name to reach the pod's cluster under another name`,
    file: existing.file,
    cluster: src.name,
  });
}

// Directory clusters expose their non-current contexts as `<file-stem>/<context>`; this splits such a name.
export function splitContextAddress(name: string): { stem: string; context?: string } {
  const slash = name.indexOf("/");
  if (slash < 0) return { stem: name };
  return { stem: name.slice(0, slash), context: name.slice(slash + 1) };
}
