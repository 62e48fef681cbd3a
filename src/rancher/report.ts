// Plain-text renderings of refresh reports and status for tool results.
import type { RefreshReport } from "./run.js";
import type { RancherStatus } from "./status.js";

function list(label: string, names: string[], suffix = ""): string[] {
  if (names.length === 0) return [];
  const shown = names.length > 50 ? [...names.slice(0, 50), `... and ${names.length - 50} more`] : names;
  return [`${label} (${names.length})${suffix}: ${shown.join(", ")}`];
}

/** Why: nsk_refresh and nsk_clusters_discover show the same summary. */
export function formatReport(title: string, r: RefreshReport): string {
  const secs = (r.durationMs / 1000).toFixed(1);
  const lines = [`${title} via ${r.driver} into ${r.dir || "(no directory)"}: ${r.outcome} in ${secs}s`];
  if (r.joined) lines.push("(joined a refresh that was already running)");
  if (r.remoteCount !== undefined) lines.push(`Rancher lists ${r.remoteCount} cluster(s).`);
  lines.push(...list("added", r.added), ...list("updated", r.updated));
  const regenerated = r.unchanged.filter((n) => !r.fresh.includes(n));
  lines.push(...list("unchanged", regenerated));
  lines.push(
    ...list("unchanged, still fresh", r.fresh, " (not regenerated; pass force: true to regenerate)"),
  );
  lines.push(...list("already present", r.present));
  for (const f of r.failed) lines.push(`failed: ${f.name}: ${f.error}`);
  lines.push(...list("vanished from Rancher", r.vanished, " (files kept, not deleted)"));
  for (const n of r.notes) lines.push(`note: ${n}`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  if (r.error) lines.push(`error: ${r.error}`);
  if (r.outcome === "ok" && r.added.length + r.updated.length === 0 && r.failed.length === 0) {
    lines.push("Nothing needed regenerating.");
  }
  return lines.join("\n");
}

/** Why: nsk_status's text. */
export function formatStatus(s: RancherStatus): string {
  const last = s.lastRefresh;
  const lines = [
    `driver: ${s.driver}${s.driverSetting === "auto" ? " (auto)" : ""}${s.nskBinary ? ` (${s.nskBinary})` : ""}`,
    `Rancher URL: ${s.rancherUrl ?? "(not set)"}`,
    `API token: ${s.tokenConfigured ? "configured (never shown)" : "not set"}`,
    `TLS: ${s.tls}`,
    `profile: ${s.profile ?? "(none)"}`,
    `directory: ${s.directory ?? "(none)"}`,
    `auto-refresh: ${s.autoRefresh ? `every ${s.refreshInterval}` : "off"}; min interval between manual refreshes: ${s.minRefreshInterval}`,
    last
      ? `last refresh: ${last.finishedAt} (${last.trigger}) ${last.outcome} in ${(last.durationMs / 1000).toFixed(1)}s; added ${last.counts.added}, updated ${last.counts.updated}, unchanged ${last.counts.unchanged}, failed ${last.counts.failed}, vanished ${last.counts.vanished}${last.error ? `; error: ${last.error}` : ""}`
      : "last refresh: never",
    `refreshing now: ${s.refreshing ? "yes" : "no"}`,
    `next scheduled refresh: ${s.nextRefreshAt ?? (s.autoRefresh ? "after the current one" : "none (auto_refresh off)")}`,
    `clusters: ${s.clusters.filesInDirectory} kubeconfig file(s) in the directory, ${s.clusters.served} served${s.clusters.inRancher === undefined ? "" : `, ${s.clusters.inRancher} in Rancher at the last refresh`}`,
  ];
  lines.push(...expiryLines(s));
  for (const w of s.warnings) lines.push(`warning: ${w}`);
  return lines.join("\n");
}

// nsk_status: which clusters refresh ahead of their credentials' expiry, and when.
function expiryLines(s: RancherStatus): string[] {
  const e = s.credentialExpiry;
  const lines = [
    `credential expiry: known for ${e.known} kubeconfig(s); refresh_before_expiry ${e.refreshBeforeExpiry}`,
  ];
  const shown = e.dueAhead.slice(0, 50);
  const when = s.autoRefresh
    ? "refresh ahead of the interval"
    : "expiring within refresh_before_expiry (auto_refresh off: run nsk_refresh)";
  if (shown.length) lines.push(`${when} (${e.dueAhead.length}):`);
  for (const d of shown)
    lines.push(
      `  ${d.cluster}: ${d.expiry}; ${s.autoRefresh ? `refresh due ${d.refreshAt}` : `expires ${d.expiresAt}`}`,
    );
  if (e.dueAhead.length > shown.length) lines.push(`  ... and ${e.dueAhead.length - shown.length} more`);
  for (const f of e.failed) lines.push(`refresh ahead of expiry failed: ${f.name}: ${f.error}`);
  return lines;
}
