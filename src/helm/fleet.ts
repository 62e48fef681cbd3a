// The fleet view of helm_list: which chart version runs where, one line per chart.

interface LegLike {
  cluster: string;
  result: Record<string, unknown>;
}

interface RowLike {
  chartName?: unknown;
  chartVersion?: unknown;
}

// A few clusters by name ("a", "a and b", "a, b and c"), more (or the majority) by count.
function clustersText(clusters: readonly string[], byName: boolean): string {
  if (byName && clusters.length <= 3)
    return clusters.length > 1
      ? `${clusters.slice(0, -1).join(", ")} and ${clusters.at(-1)}`
      : clusters.join("");
  return `${clusters.length} cluster${clusters.length === 1 ? "" : "s"}`;
}

/**
 * Why: "which version runs where" in one line per chart, e.g. `web-app: 1.2.0 on 14 clusters, 1.1.9 on c1-dfw1`:
 * versions by how many clusters run them (most first), rare ones by name, and where the chart is missing.
 */
export function chartSkew(legs: readonly LegLike[]): string[] {
  const charts = new Map<string, Map<string, Set<string>>>();
  for (const leg of legs) {
    const rows = Array.isArray(leg.result.releases) ? (leg.result.releases as RowLike[]) : [];
    for (const row of rows) {
      if (typeof row.chartName !== "string" || !row.chartName) continue;
      const version = typeof row.chartVersion === "string" && row.chartVersion ? row.chartVersion : "?";
      const byVersion = charts.get(row.chartName) ?? new Map<string, Set<string>>();
      charts.set(row.chartName, byVersion);
      const set = byVersion.get(version) ?? new Set<string>();
      byVersion.set(version, set);
      set.add(leg.cluster);
    }
  }
  const lines: string[] = [];
  for (const [chart, byVersion] of [...charts].sort(([a], [b]) => a.localeCompare(b))) {
    const versions = [...byVersion].sort(
      ([va, a], [vb, b]) => b.size - a.size || vb.localeCompare(va, undefined, { numeric: true }),
    );
    // The most common version by count; the rarer ones (the skew an agent is after) by name when few.
    const parts = versions.map(([v, set], i) => `${v} on ${clustersText([...set].sort(), i > 0)}`);
    const present = new Set(versions.flatMap(([, set]) => [...set]));
    const missing = legs.map((l) => l.cluster).filter((c) => !present.has(c));
    if (missing.length) parts.push(`absent on ${clustersText(missing.sort(), true)}`);
    lines.push(`${chart}: ${parts.join(", ")}`);
  }
  return lines;
}
