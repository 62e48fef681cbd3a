// Fleet answers as majority and outliers: values grouped by the clusters that hold them, and texts folded to fit.

/** Why: one value and the clusters holding it; groups come most common first. */
export interface ValueGroup {
  value: string;
  clusters: string[];
}

/** Why: "2 on 97 clusters; 5 on c1-dfw1" starts from grouping each cluster's value, most common first. */
export function groupValues(entries: Iterable<readonly [string, string]>): ValueGroup[] {
  const by = new Map<string, string[]>();
  for (const [cluster, value] of entries) {
    const list = by.get(value);
    if (list) list.push(cluster);
    else by.set(value, [cluster]);
  }
  return [...by.entries()]
    .map(([value, clusters]) => ({ value, clusters: clusters.sort() }))
    .sort(
      (a, b) =>
        b.clusters.length - a.clusters.length || (a.clusters[0] ?? "").localeCompare(b.clusters[0] ?? ""),
    );
}

/** Why: a list of cluster names that stays one short line however many there are. */
export function nameList(names: readonly string[], max = 8): string {
  if (names.length <= max) return names.join(", ");
  return `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}

/** Why: long values (a whole env list) would crowd out the clusters; the text shows their start. */
export function shortValue(value: string, max = 80): string {
  return value.length <= max ? value : `${value.slice(0, max - 3)}...`;
}

/**
 * Why: the most common value with its count (names too while few), then every other value with its clusters.
 * The majority's names are dropped past `namesUpTo`: the outliers are the answer.
 */
export function describeGroups(groups: readonly ValueGroup[], namesUpTo = 3): string {
  return groups
    .map((g, i) => {
      const n = g.clusters.length;
      const who =
        i === 0 && n > namesUpTo
          ? `${n} clusters`
          : n > 1 && i === 0
            ? `${n} clusters (${nameList(g.clusters)})`
            : nameList(g.clusters);
      return `${shortValue(g.value)} on ${who}`;
    })
    .join("; ");
}

/**
 * Why: a fleet answer must fit max_output_bytes and say what it left out. Keeps `head` whole, then as many body
 * lines as fit, then a note built from how many were folded.
 */
export function fitLines(
  head: readonly string[],
  body: readonly string[],
  budget: number,
  folded: (omitted: number) => string,
): string {
  const out = [...head];
  let size = Buffer.byteLength(out.join("\n"));
  const reserve = Buffer.byteLength(folded(body.length)) + 2;
  for (let i = 0; i < body.length; i++) {
    const line = body[i] as string;
    const add = Buffer.byteLength(line) + 1;
    if (size + add + (i < body.length - 1 ? reserve : 0) > budget) {
      out.push(folded(body.length - i));
      return out.join("\n");
    }
    out.push(line);
    size += add;
  }
  return out.join("\n");
}
