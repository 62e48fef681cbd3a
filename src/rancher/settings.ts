// Resolves the [nsk] configuration into plain values once: durations, directory, driver, templates.
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { compileClusterFilter } from "../clusters/discovery/index.js";
import { type Config, ConfigError, parseDuration } from "../config/index.js";
import { DEFAULT_LIST_ARGS, DEFAULT_REFRESH_ARGS, templateProblems } from "./templates.js";
import type { DriverName } from "./types.js";

/** Why: every Rancher module reads these instead of the raw config. */
export interface RancherSettings {
  driverSetting: "auto" | "nsk" | "rancher-api";
  driver: DriverName;
  rancherUrl?: string;
  token?: string;
  insecure: boolean;
  profile?: string;
  /** where refreshed kubeconfigs are written (nsk.config_dir, else kubeconfig_dir) */
  dir?: string;
  /** the directory the server reads clusters from */
  servedDir?: string;
  autoRefresh: boolean;
  intervalMs: number;
  /** refresh_before_expiry: credentials expiring within this are refreshed ahead of the interval */
  beforeExpiryMs: number;
  minIntervalMs: number;
  timeoutMs: number;
  requestTimeoutMs: number;
  nskPath: string;
  /** absolute path of the nsk binary when found */
  nskBinary?: string;
  clusterPattern?: string;
  /** cluster_pattern / exclude_clusters of both [nsk] and the top level: what is worth fetching */
  filter: (name: string) => boolean;
  refreshArgs: readonly string[];
  listArgs: readonly string[];
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Why: `driver = auto` and the nsk driver need to know whether (and where) the binary exists. */
export function findExecutable(
  name: string,
  pathEnv: string | undefined,
  cwd = process.cwd(),
): string | undefined {
  if (name.includes("/")) {
    const full = isAbsolute(name) ? name : resolve(cwd, name);
    return isExecutableFile(full) ? full : undefined;
  }
  for (const dir of (pathEnv ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** Why: one place decides the driver and validates the templates (bad placeholders fail at startup). */
export function resolveRancherSettings(
  config: Config,
  env: Record<string, string | undefined>,
): RancherSettings {
  const nsk = config.nsk;
  if (!nsk) throw new Error("resolveRancherSettings called without an [nsk] configuration");
  const refreshArgs = nsk.refresh_args ?? DEFAULT_REFRESH_ARGS;
  const listArgs = nsk.list_args ?? DEFAULT_LIST_ARGS;
  const problems = [
    ...templateProblems(refreshArgs, "nsk.refresh_args"),
    ...templateProblems(listArgs, "nsk.list_args"),
  ];
  if (problems.length > 0) throw new ConfigError(problems);
  const nskBinary = findExecutable(nsk.nsk_path, env.PATH);
  const driver: DriverName = nsk.driver === "auto" ? (nskBinary ? "nsk" : "rancher-api") : nsk.driver;
  const patterns = [config.cluster_pattern, nsk.cluster_pattern].filter((p): p is string => Boolean(p));
  return {
    driverSetting: nsk.driver,
    driver,
    rancherUrl: nsk.rancher_url,
    token: nsk.rancher_token || undefined,
    insecure: nsk.rancher_insecure,
    profile: nsk.profile || undefined,
    dir: nsk.config_dir ?? config.kubeconfig_dir,
    servedDir: config.kubeconfig_dir,
    autoRefresh: nsk.auto_refresh,
    intervalMs: parseDuration(nsk.refresh_interval),
    beforeExpiryMs: parseDuration(nsk.refresh_before_expiry),
    minIntervalMs: parseDuration(nsk.min_refresh_interval),
    timeoutMs: parseDuration(nsk.refresh_timeout),
    requestTimeoutMs: parseDuration(config.request_timeout),
    nskPath: nsk.nsk_path,
    nskBinary,
    clusterPattern: nsk.cluster_pattern,
    filter: compileClusterFilter({
      patterns,
      excludes: [...config.exclude_clusters, ...nsk.exclude_clusters],
    }),
    refreshArgs,
    listArgs,
  };
}

/** Why: status shows the Rancher URL, but never credentials someone embedded in it. */
export function displayUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    u.search = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(invalid URL)";
  }
}
