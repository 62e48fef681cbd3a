// One refresh or discovery, start to finish: snapshot, list, plan, fetch, rescan, report. Never throws.
import { mkdir } from "node:fs/promises";
import type { Logger } from "../log.js";
import { removeStaleTemps } from "./atomic.js";
import { abortError, errorText, RancherError } from "./errors.js";
import { readLocalFiles } from "./local.js";
import { planRefresh } from "./plan.js";
import type { Scrubber } from "./scrub.js";
import type { RancherSettings } from "./settings.js";
import type { RefreshOutcome, RefreshTrigger } from "./state.js";
import type { ClusterOutcome, ProgressFn, RefreshDriver, TokenExpiry } from "./types.js";

/** Why: what nsk_refresh / nsk_clusters_discover return and auto-refresh logs; never contains the token. */
export interface RefreshReport {
  trigger: RefreshTrigger;
  driver: string;
  dir: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  outcome: RefreshOutcome;
  added: string[];
  updated: string[];
  unchanged: string[];
  /** subset of unchanged: not regenerated because still fresh (pass force to regenerate) */
  fresh: string[];
  failed: Array<{ name: string; error: string }>;
  /** in the directory but gone from Rancher: kept, never deleted */
  vanished: string[];
  /** discover: matching clusters already in the directory */
  present: string[];
  notes: string[];
  warnings: string[];
  remoteCount?: number;
  error?: string;
  /** this caller joined a refresh that was already running */
  joined?: boolean;
  /** Rancher's expiry of the token minted into each written kubeconfig (rancher-api driver) */
  tokens: Record<string, TokenExpiry>;
  /** refreshed ahead of refresh_interval because their credentials expire within refresh_before_expiry */
  renewed: string[];
}

/** Why: the collaborators of a run, injected so tests can drive it directly. */
export interface RunContext {
  settings: RancherSettings;
  driver: RefreshDriver;
  rescan: () => Promise<void>;
  logger: Logger;
  scrub: Scrubber;
  now: () => number;
}

/** Why: the parameters of one run. */
export interface RunRequest {
  mode: "refresh" | "discover";
  trigger: RefreshTrigger;
  force: boolean;
  select?: (name: string) => boolean;
  /** clusters to regenerate even if still fresh: their credentials expire within refresh_before_expiry */
  renew?: ReadonlySet<string>;
  signal: AbortSignal;
  progress: ProgressFn;
}

function outcomeOf(r: RefreshReport): RefreshOutcome {
  const wrote = r.added.length + r.updated.length + r.unchanged.length;
  if (r.failed.length === 0) return "ok";
  return wrote > 0 ? "partial" : "failed";
}

function collect(report: RefreshReport, outcomes: ClusterOutcome[], before: Map<string, unknown>): void {
  for (const o of outcomes) {
    if (o.change === "failed") {
      // Drivers replace a file only on success: say so, so nobody fears a half-written kubeconfig.
      const said = /previous file/.test(o.detail ?? "");
      const kept = before.has(o.name) && !said ? "; the previous kubeconfig is kept" : "";
      report.failed.push({ name: o.name, error: `${o.detail ?? "failed"}${kept}` });
    } else report[o.change].push(o.name);
    if (o.token) report.tokens[o.name] = o.token;
    if (o.note) report.notes.push(`${o.name}: ${o.note}`);
  }
}

/** Why: the shared procedure behind nsk_refresh, nsk_clusters_discover and auto-refresh. */
export async function runRefresh(ctx: RunContext, req: RunRequest): Promise<RefreshReport> {
  const started = ctx.now();
  const dir = ctx.settings.dir ?? "";
  const report: RefreshReport = {
    trigger: req.trigger,
    driver: ctx.driver.name,
    dir,
    startedAt: new Date(started).toISOString(),
    finishedAt: "",
    durationMs: 0,
    outcome: "ok",
    ...{ added: [], updated: [], unchanged: [], fresh: [], failed: [], vanished: [], present: [] },
    notes: [],
    warnings: [],
    tokens: {},
    renewed: [],
  };
  try {
    if (!dir) {
      throw new RancherError(
        "config",
        "no directory to write kubeconfigs into",
        "set nsk.config_dir (NSK_CONFDIR, --nsk-config-dir) or kubeconfig_dir",
      );
    }
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await removeStaleTemps(dir, ctx.settings.timeoutMs);
    const before = await readLocalFiles(dir);
    const remote = await ctx.driver.list(req.signal);
    if (!remote && req.mode === "discover") {
      throw new RancherError(
        "nsk",
        "the cluster list is unavailable (nsk list_args failed), so nothing can be discovered",
        "use nsk_refresh, or fix list_args",
      );
    }
    const plan = planRefresh({
      mode: req.mode,
      remote,
      local: before,
      filter: ctx.settings.filter,
      select: req.select,
      force: req.force,
      renew: req.renew,
      now: ctx.now(),
      intervalMs: ctx.settings.intervalMs,
    });
    report.remoteCount = plan.remoteCount;
    report.vanished = plan.vanished;
    report.present = plan.present;
    report.fresh = plan.fresh;
    report.renewed = plan.renewed;
    report.unchanged.push(...plan.fresh);
    if (plan.targets === "all" || plan.targets.length > 0) {
      const fetched = await ctx.driver.fetch({
        dir,
        targets: plan.targets,
        before,
        signal: req.signal,
        progress: req.progress,
      });
      collect(report, fetched.outcomes, before);
      report.warnings.push(...fetched.warnings);
    }
    report.outcome = outcomeOf(report);
    if (report.outcome === "failed") report.error = report.failed[0]?.error;
  } catch (err) {
    const e = req.signal.aborted ? abortError(req.signal, ctx.settings.timeoutMs) : err;
    report.outcome = e instanceof RancherError && e.kind === "cancelled" ? "cancelled" : "failed";
    report.error = ctx.scrub(errorText(e));
    if (e instanceof RancherError && e.hint) report.error += `. Try: ${ctx.scrub(e.hint)}`;
  }
  await ctx
    .rescan()
    .catch((err: Error) => ctx.logger.warn("rescan after refresh failed", { error: err.message }));
  report.finishedAt = new Date(ctx.now()).toISOString();
  report.durationMs = Math.max(0, ctx.now() - started);
  return report;
}
