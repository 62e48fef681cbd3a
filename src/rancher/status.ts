// nsk_status's data: configuration facts, last refresh, next refresh, counts. Never the token.
import { scanKubeconfigDir } from "../clusters/discovery/index.js";
import { describeExpiry } from "../clusters/expiry.js";
import { formatDuration } from "../config/index.js";
import type { ExpiryDue } from "./expiry-plan.js";
import { displayUrl, type RancherSettings } from "./settings.js";
import type { LastRefresh, RefreshState } from "./state.js";
import type { DriverName } from "./types.js";

/** Why: structured status for agents and tests; every field is safe to show. */
export interface RancherStatus {
  driver: DriverName;
  driverSetting: string;
  rancherUrl?: string;
  tokenConfigured: boolean;
  tls: string;
  profile?: string;
  directory?: string;
  servedDirectory?: string;
  nskBinary?: string;
  autoRefresh: boolean;
  refreshInterval: string;
  minRefreshInterval: string;
  refreshing: boolean;
  lastRefresh?: LastRefresh;
  nextRefreshAt?: string;
  clusters: { filesInDirectory: number; served: number; inRancher?: number };
  credentialExpiry: ExpiryStatus;
  warnings: string[];
}

/** Why: which kubeconfigs are due for a refresh ahead of refresh_interval, and when; never a token. */
export interface ExpiryStatus {
  refreshBeforeExpiry: string;
  /** known expiry per cluster, soonest first: "token expires in 3h12m" */
  known: number;
  /** clusters whose refresh_before_expiry due time comes before the next regular refresh */
  dueAhead: Array<{ cluster: string; expiresAt: string; refreshAt: string; expiry: string }>;
  /** the last refresh ahead of expiry that failed; the previous kubeconfig was kept */
  failed: Array<{ name: string; error: string }>;
}

/** Why: the inputs of buildStatus, all plain values. */
export interface StatusInput {
  settings: RancherSettings;
  driver: DriverName;
  state: RefreshState;
  refreshing: boolean;
  nextAt?: number;
  served: number;
  dues: ExpiryDue[];
  /** when refresh_interval alone would refresh next */
  regularAt?: number;
  renewFailures: Array<{ name: string; error: string }>;
  now: number;
}

function expiryStatus(i: StatusInput): ExpiryStatus {
  // While a refresh runs the interval's next time is not set yet: one interval from now is what it will be.
  const horizon = i.settings.autoRefresh ? (i.regularAt ?? i.now + i.settings.intervalMs) : i.now;
  const due = i.dues.filter((d) => d.refreshAt <= horizon);
  return {
    refreshBeforeExpiry: formatDuration(i.settings.beforeExpiryMs),
    known: i.dues.length,
    dueAhead: due.map((d) => ({
      cluster: d.cluster,
      expiresAt: new Date(d.expiresAt).toISOString(),
      refreshAt: new Date(Math.max(d.refreshAt, i.now)).toISOString(),
      expiry: describeExpiry(d, i.now),
    })),
    failed: i.renewFailures,
  };
}

function tlsMode(s: RancherSettings): string {
  if (!s.rancherUrl) return "n/a";
  if (s.rancherUrl.startsWith("http:")) return "none (plain HTTP: the token travels unencrypted)";
  if (s.insecure) return "not verified (rancher_insecure)";
  return "verified (system CAs, else the CA Rancher publishes at /v3/settings/cacerts)";
}

function warningsOf(s: RancherSettings, driver: DriverName): string[] {
  const w: string[] = [];
  if (!s.dir) w.push("no directory configured: set nsk.config_dir or kubeconfig_dir");
  if (s.dir && s.servedDir && s.dir !== s.servedDir) {
    w.push(
      `nsk.config_dir (${s.dir}) differs from kubeconfig_dir (${s.servedDir}): refreshed kubeconfigs are not served`,
    );
  }
  if (driver === "nsk" && !s.nskBinary) w.push(`the nsk binary '${s.nskPath}' was not found on PATH`);
  if (driver === "rancher-api" && (!s.rancherUrl || !s.token)) {
    w.push("the rancher-api driver needs rancher_url and rancher_token");
  }
  return w;
}

/** Why: one function shared by nsk_status's text and structured output. */
export async function buildStatus(i: StatusInput): Promise<RancherStatus> {
  const s = i.settings;
  const files = s.dir ? await scanKubeconfigDir(s.dir).catch(() => []) : [];
  return {
    driver: i.driver,
    driverSetting: s.driverSetting,
    rancherUrl: displayUrl(s.rancherUrl),
    tokenConfigured: Boolean(s.token),
    tls: tlsMode(s),
    profile: s.profile,
    directory: s.dir,
    servedDirectory: s.servedDir,
    nskBinary: i.driver === "nsk" ? s.nskBinary : undefined,
    autoRefresh: s.autoRefresh,
    refreshInterval: formatDuration(s.intervalMs),
    minRefreshInterval: formatDuration(s.minIntervalMs),
    refreshing: i.refreshing,
    lastRefresh: i.state.last,
    nextRefreshAt: i.nextAt === undefined ? undefined : new Date(i.nextAt).toISOString(),
    clusters: {
      filesInDirectory: new Set(files.map((f) => f.stem)).size,
      served: i.served,
      inRancher: i.state.last?.remoteCount,
    },
    credentialExpiry: expiryStatus(i),
    warnings: warningsOf(s, i.driver),
  };
}
