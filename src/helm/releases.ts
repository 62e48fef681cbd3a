// Which record is a release's current revision, and the rows helm list/history show: decided on labels first.
import type { Driver, Release } from "./record.js";

/** Why: a record as a metadata-only list returns it: enough to choose revisions without decoding anything. */
export interface RecordMeta {
  driver: Driver;
  /** The object's name (sh.helm.release.v1.<release>.v<revision>). */
  object: string;
  namespace: string;
  release: string;
  revision: number;
  status: string;
}

interface MetaLike {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
}

/** Why: Helm's labels on every record (owner=helm, name, version, status); anything else is not a release. */
export function recordMeta(item: MetaLike, driver: Driver): RecordMeta | undefined {
  const m = item.metadata;
  const l = m?.labels ?? {};
  const revision = Number(l.version);
  if (l.owner !== "helm" || !l.name || !m?.name || !Number.isInteger(revision) || revision < 1)
    return undefined;
  return {
    driver,
    object: m.name,
    namespace: m.namespace ?? "",
    release: l.name,
    revision,
    status: l.status ?? "unknown",
  };
}

/** Why: `helm list` shows one revision per release: the deployed one, else the newest. */
export function currentRevisions(records: readonly RecordMeta[]): RecordMeta[] {
  const byRelease = new Map<string, RecordMeta>();
  for (const r of records) {
    const key = `${r.namespace}/${r.release}`;
    const prev = byRelease.get(key);
    if (!prev || better(r, prev)) byRelease.set(key, r);
  }
  return [...byRelease.values()].sort(
    (a, b) => a.namespace.localeCompare(b.namespace) || a.release.localeCompare(b.release),
  );
}

function better(a: RecordMeta, b: RecordMeta): boolean {
  const ad = a.status === "deployed";
  const bd = b.status === "deployed";
  if (ad !== bd) return ad;
  return a.revision > b.revision;
}

// Helm stores RFC 3339 with nanoseconds (trailing zeros dropped); shown as fixed-width UTC milliseconds.
function shownTime(t: string | undefined): string {
  const ms = t ? Date.parse(t) : Number.NaN;
  return Number.isNaN(ms) ? (t ?? "") : new Date(ms).toISOString();
}

/** Why: one row of helm_list (the columns of `helm list`). */
export interface ReleaseRow {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  chart: string;
  chartName: string;
  chartVersion: string;
  appVersion: string;
  updated: string;
}

/** Why: one row of helm_history (the columns of `helm history`). */
export interface HistoryRow {
  revision: number;
  updated: string;
  status: string;
  chart: string;
  appVersion: string;
  description: string;
}

/** Why: list and history rows read the same chart and time fields of a decoded release. */
export function releaseRow(r: Release, meta: RecordMeta): ReleaseRow {
  const chartName = r.chart?.metadata?.name ?? "";
  const chartVersion = r.chart?.metadata?.version ?? "";
  return {
    name: r.name,
    namespace: r.namespace || meta.namespace,
    revision: r.version || meta.revision,
    // The label is what Helm updates in place (superseded); the payload keeps the status it was written with.
    status: meta.status || r.info?.status || "unknown",
    chart: chartName ? `${chartName}-${chartVersion}` : "",
    chartName,
    chartVersion,
    appVersion: r.chart?.metadata?.appVersion ?? "",
    updated: shownTime(r.info?.last_deployed),
  };
}

/** Why: a history row is a list row plus the revision's description. */
export function historyRow(r: Release, meta: RecordMeta): HistoryRow {
  const row = releaseRow(r, meta);
  return {
    revision: row.revision,
    updated: row.updated,
    status: row.status,
    chart: row.chart,
    appVersion: row.appVersion,
    description: r.info?.description ?? "",
  };
}

/** Why: record names are built from parts Helm itself uses, so a get never takes a caller's path. */
export function recordName(release: string, revision: number): string {
  return `sh.helm.release.v1.${release}.v${revision}`;
}
