// One table for a list fan-out: every cluster's rows under a CLUSTER column, identical results grouped, fair
// shares of the output budget, counts where rows do not fit, each cluster's continue token kept. Pure.

/** Why: what the merge reads of one leg: its status, and its list page when it returned one. */
export interface MergeLeg {
  cluster: string;
  status: string;
  error?: string;
  list?: { columns: readonly string[]; items: readonly Record<string, unknown>[]; continue: string | null };
}

/** Why: per cluster, what the merged answer holds of it: how many rows, how many shown, where to go on. */
export interface MergedCluster {
  cluster: string;
  status: string;
  rows: number;
  shown: number;
  /** The cluster's own continue token: its next page is `continue` on that cluster. */
  continue: string | null;
  /** Set when its rows equal another cluster's (shown once, under that cluster's group). */
  sameAs?: string;
  error?: string;
}

/** Why: the merged answer: the text (within the budget), the shown rows and every cluster's account. */
export interface Merged {
  text: string;
  columns: string[];
  rows: Record<string, string>[];
  clusters: MergedCluster[];
  rowsShown: number;
  rowsTotal: number;
}

interface Group {
  label: string;
  members: MergeLeg[];
  rows: string[][];
}

const MAX_CELL = 80;
const MAX_ERROR = 160;

function cellText(v: unknown): string {
  const s = v === null || v === undefined ? "<none>" : typeof v === "object" ? JSON.stringify(v) : String(v);
  const one = s.replace(/\s+/g, " ");
  return one.length > MAX_CELL ? `${one.slice(0, MAX_CELL - 3)}...` : one;
}

function groupsOf(legs: readonly MergeLeg[], columns: readonly string[]): Group[] {
  const byKey = new Map<string, Group>();
  const ageAt = new Set(columns.flatMap((c, i) => (c.toLowerCase() === "age" ? [i] : [])));
  for (const leg of legs) {
    if (!leg.list) continue;
    const rows = leg.list.items.map((it) => columns.map((c) => (c in it ? cellText(it[c]) : "")));
    // Identical pages (same rows apart from their age, and either both last pages or not) are one group: the
    // same objects seen a second apart differ only in AGE.
    const key = JSON.stringify([
      rows.map((r) => r.filter((_, i) => !ageAt.has(i))),
      leg.list.continue === null,
    ]);
    const g = byKey.get(key);
    if (g) g.members.push(leg);
    else byKey.set(key, { label: leg.cluster, members: [leg], rows });
  }
  for (const g of byKey.values()) if (g.members.length > 1) g.label = `${g.label} (+${g.members.length - 1})`;
  return [...byKey.values()];
}

// Water-filling: groups needing less than an equal share keep all of it; the rest is shared by the others.
function fairRows(
  groups: readonly Group[],
  rowBytes: (g: Group, i: number) => number,
  budget: number,
): number[] {
  const need = groups.map((g) => g.rows.reduce((a, _r, i) => a + rowBytes(g, i), 0));
  const order = groups.map((_, i) => i).sort((a, b) => (need[a] ?? 0) - (need[b] ?? 0));
  const out = groups.map(() => 0);
  let left = budget;
  for (const [k, gi] of order.entries()) {
    const g = groups[gi] as Group;
    const share = Math.floor(left / (order.length - k));
    let used = 0;
    let n = 0;
    while (n < g.rows.length && used + rowBytes(g, n) <= share) used += rowBytes(g, n++);
    out[gi] = n;
    left -= used;
  }
  return out;
}

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
    .join("   ")
    .trimEnd();
}

/**
 * Why: a list fan-out over many clusters must answer within `budget` bytes with every cluster accounted for:
 * one table with a CLUSTER column, clusters with identical pages shown once (labelled `first (+N)` and listed
 * below), each group a fair share of rows, then per-cluster counts for what did not fit (with the cluster's own
 * continue token kept in `clusters`), and the failures, one line each.
 */
export function mergeLists(legs: readonly MergeLeg[], budget: number): Merged {
  const columns: string[] = [];
  for (const l of legs) for (const c of l.list?.columns ?? []) if (!columns.includes(c)) columns.push(c);
  const groups = groupsOf(legs, columns);
  const headers = ["CLUSTER", ...columns.map((c) => c.replace(/([a-z])([A-Z])/g, "$1 $2").toUpperCase())];
  const widths = headers.map((h, i) =>
    Math.max(
      h.length,
      ...groups.flatMap((g) => (i === 0 ? [g.label.length] : g.rows.map((r) => (r[i - 1] ?? "").length))),
    ),
  );
  const line = (g: Group, i: number): string => pad([g.label, ...(g.rows[i] ?? [])], widths);
  const rowBytes = (g: Group, i: number): number => Buffer.byteLength(line(g, i)) + 1;

  const failed = legs.filter((l) => !l.list);
  const failLines = failed.map(
    (l) =>
      `${l.cluster}: ${l.status}${l.error ? ` (${l.error.replace(/\s+/g, " ").slice(0, MAX_ERROR)})` : ""}`,
  );
  const groupLines = groups
    .filter((g) => g.members.length > 1)
    .map((g) => `${g.label} = ${g.members.map((m) => m.cluster).join(", ")}`);
  // Everything but the rows is kept whole; the rows get what is left, shared fairly between groups.
  const countLine = (g: Group, shown: number): string | undefined => {
    const more = g.members.some((m) => m.list?.continue);
    if (shown === g.rows.length && !more) return undefined;
    return `${g.label}: ${shown} of ${g.rows.length} rows shown${more ? ", more pages (continue token per cluster in structuredContent)" : ""}`;
  };
  const fixed = [
    pad(headers, widths),
    ...groupLines,
    ...failLines,
    ...groups.map((g) => countLine(g, 0) ?? ""),
    "summary",
  ].join("\n");
  const room = Math.max(0, budget - Buffer.byteLength(fixed) - 200);
  const shownPer = fairRows(groups, rowBytes, room);

  const rowLines: string[] = [];
  const rows: Record<string, string>[] = [];
  for (const [gi, g] of groups.entries()) {
    for (let i = 0; i < (shownPer[gi] ?? 0); i++) {
      rowLines.push(line(g, i));
      rows.push({
        cluster: g.label,
        ...Object.fromEntries(columns.map((c, k) => [c, g.rows[i]?.[k] ?? ""])),
      });
    }
  }
  const counts = groups.flatMap((g, gi) => countLine(g, shownPer[gi] ?? 0) ?? []);
  const clusters: MergedCluster[] = legs.map((l) => {
    const gi = groups.findIndex((g) => g.members.includes(l));
    const g = groups[gi];
    const first = g?.members[0];
    return {
      cluster: l.cluster,
      status: l.status,
      rows: l.list?.items.length ?? 0,
      shown: gi >= 0 ? (shownPer[gi] ?? 0) : 0,
      continue: l.list?.continue ?? null,
      ...(first && first !== l ? { sameAs: first.cluster } : {}),
      ...(l.error ? { error: l.error.slice(0, MAX_ERROR) } : {}),
    };
  });
  const rowsTotal = groups.reduce((a, g) => a + g.rows.length * g.members.length, 0);
  const rowsShown = groups.reduce((a, g, gi) => a + (shownPer[gi] ?? 0) * g.members.length, 0);
  const text = [
    pad(headers, widths),
    ...rowLines,
    ...(groupLines.length ? ["", "identical results:", ...groupLines] : []),
    ...(counts.length ? ["", "not all rows shown:", ...counts] : []),
    ...(failLines.length ? ["", "failed:", ...failLines] : []),
  ].join("\n");
  return { text, columns, rows, clusters, rowsShown, rowsTotal };
}
