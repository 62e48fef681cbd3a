// The Rancher/NSK integration as one object: refresh, discover, status, auto-refresh; what the nsk_* tools call.
import type { RancherTokenReport } from "../clusters/expiry-read.js";
import type { Logger } from "../log.js";
import { deadline } from "../util/deadline.js";
import { RancherError } from "./errors.js";
import { type ExpiryDue, expiryDues, tokenReportsOf } from "./expiry-plan.js";
import { Mutex, SingleFlight } from "./flight.js";
import { type RefreshReport, type RunRequest, runRefresh } from "./run.js";
import { Scheduler, STARTUP_GRACE_MS } from "./scheduler.js";
import type { Scrubber } from "./scrub.js";
import type { RancherSettings } from "./settings.js";
import { type RefreshState, type RefreshTrigger, saveState } from "./state.js";
import { buildStatus, type RancherStatus } from "./status.js";
import type { ProgressFn, RefreshDriver } from "./types.js";

/** Why: the slice of ClusterManager the service needs (rescan after writing, names for counts). */
export interface ClusterRegistry {
  rescan(): Promise<void>;
  names(): string[];
}

/** Why: constructor inputs, injected so tests can swap the driver or the clock. */
export interface RancherServiceOptions {
  settings: RancherSettings;
  driver: RefreshDriver;
  clusters: ClusterRegistry;
  logger: Logger;
  scrub: Scrubber;
  state: RefreshState;
  now?: () => number;
}

/** Why: options of one refresh call. */
export interface RefreshOptions {
  force?: boolean;
  trigger?: RefreshTrigger;
  /** regenerate these even if fresh (credentials expiring within refresh_before_expiry) */
  renew?: ReadonlySet<string>;
  signal?: AbortSignal;
  progress?: ProgressFn;
}

/** Why: the single owner of refresh state, locking and scheduling for one server. */
export class RancherService {
  private readonly flight = new SingleFlight<RefreshReport>();
  private readonly mutex = new Mutex();
  private readonly closing = new AbortController();
  private readonly scheduler: Scheduler;
  private readonly now: () => number;
  private state: RefreshState;
  private expiryTimer: NodeJS.Timeout | undefined;
  /** the last refresh ahead of expiry that failed, per cluster: nsk_status says so */
  private renewFailures: Array<{ name: string; error: string }> = [];

  constructor(private readonly o: RancherServiceOptions) {
    this.now = o.now ?? Date.now;
    this.state = o.state;
    this.scheduler = new Scheduler({
      intervalMs: o.settings.intervalMs,
      logger: o.logger,
      now: this.now,
      run: async () => {
        const due = await this.dues();
        const renew = new Set(due.filter((d) => d.refreshAt <= this.now()).map((d) => d.cluster));
        await this.refresh({ trigger: "auto", renew });
      },
      afterRun: () => this.planExpiry(),
    });
  }

  /** Starts auto-refresh when configured; does no I/O itself (the first tick is deferred, see Scheduler). */
  start(): void {
    if (!this.o.settings.autoRefresh) return;
    const last = this.state.last?.finishedAt;
    this.scheduler.start(last ? Date.parse(last) : undefined);
    // Expiries come from the files: read once the server is up, then after every refresh.
    this.expiryTimer = setTimeout(() => void this.planExpiry(), 0);
    this.expiryTimer.unref();
  }

  private async dues(): Promise<ExpiryDue[]> {
    const dir = this.o.settings.dir;
    return dir ? expiryDues(dir, this.state, this.o.settings.beforeExpiryMs) : [];
  }

  /** Pulls the next auto-refresh forward to the earliest refresh_before_expiry due time, if sooner. */
  private async planExpiry(): Promise<void> {
    if (!this.o.settings.autoRefresh) return;
    try {
      this.scheduler.dueBy((await this.dues())[0]?.refreshAt, STARTUP_GRACE_MS);
    } catch (err) {
      this.o.logger.warn("cannot read credential expiries", { error: (err as Error).message });
    }
  }

  /** Rancher's reports on the tokens it minted, for clusters_status and clusters_list. */
  tokenReports(): RancherTokenReport {
    return tokenReportsOf(this.state);
  }

  /** Refreshes kubeconfigs; manual calls within min_refresh_interval are refused unless forced. */
  async refresh(opts: RefreshOptions = {}): Promise<RefreshReport> {
    const trigger = opts.trigger ?? "manual";
    const force = opts.force === true;
    if (trigger === "manual" && !force && !this.flight.running) this.assertNotTooSoon();
    const { promise, joined } = this.flight.run(
      (signal) =>
        this.mutex.run(() =>
          this.execute({
            mode: "refresh",
            trigger,
            force,
            renew: opts.renew,
            signal,
            progress: opts.progress,
          }),
        ),
      opts.signal,
    );
    const report = await promise;
    return joined ? { ...report, joined: true } : report;
  }

  /** Fetches clusters Rancher has and the directory lacks (optionally only names matching `pattern`). */
  async discover(
    opts: { pattern?: string; signal?: AbortSignal; progress?: ProgressFn } = {},
  ): Promise<RefreshReport> {
    let select: ((name: string) => boolean) | undefined;
    if (opts.pattern) {
      let re: RegExp;
      try {
        re = new RegExp(opts.pattern);
      } catch (err) {
        throw new RancherError(
          "invalid",
          `pattern is not a valid regular expression: ${(err as Error).message}`,
        );
      }
      select = (name) => re.test(name);
    }
    const signal = opts.signal ?? new AbortController().signal;
    return this.mutex.run(() =>
      this.execute({
        mode: "discover",
        trigger: "discover",
        force: true,
        select,
        signal,
        progress: opts.progress,
      }),
    );
  }

  private assertNotTooSoon(): void {
    const last = this.state.lastSuccessAt ? Date.parse(this.state.lastSuccessAt) : undefined;
    const min = this.o.settings.minIntervalMs;
    if (last === undefined || this.now() - last >= min) return;
    const ago = Math.max(0, Math.round((this.now() - last) / 1000));
    throw new RancherError(
      "too-soon",
      `refusing to refresh: the last refresh finished ${ago}s ago, within min_refresh_interval (${Math.round(min / 1000)}s); the kubeconfigs are current`,
      "pass force: true to refresh anyway (each regeneration mints new Rancher tokens)",
    );
  }

  private async execute(
    req: Omit<RunRequest, "progress"> & { progress?: ProgressFn },
  ): Promise<RefreshReport> {
    const limit = deadline(this.o.settings.timeoutMs, req.signal, this.closing.signal);
    const signal = limit.signal;
    const report = await runRefresh(
      {
        settings: this.o.settings,
        driver: this.o.driver,
        rescan: () => this.o.clusters.rescan(),
        logger: this.o.logger,
        scrub: this.o.scrub,
        now: this.now,
      },
      { ...req, signal, progress: req.progress ?? (() => {}) },
    ).finally(limit.clear);
    await this.record(report, req.renew);
    if (req.trigger !== "auto") await this.planExpiry(); // an auto run re-plans after rescheduling
    return report;
  }

  private async record(r: RefreshReport, renew?: ReadonlySet<string>): Promise<void> {
    if (renew?.size) this.renewFailures = r.failed.filter((f) => renew.has(f.name));
    const counts = {
      added: r.added.length,
      updated: r.updated.length,
      unchanged: r.unchanged.length,
      failed: r.failed.length,
      vanished: r.vanished.length,
    };
    const last = {
      trigger: r.trigger,
      driver: r.driver,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      durationMs: r.durationMs,
      outcome: r.outcome,
      counts,
      remoteCount: r.remoteCount,
      error: r.error,
    };
    const ok = r.outcome === "ok" || r.outcome === "partial";
    this.state = {
      ...this.state,
      last,
      ...(ok && r.trigger !== "discover" ? { lastSuccessAt: r.finishedAt } : {}),
      tokens: { ...this.state.tokens, ...r.tokens },
    };
    const level = r.outcome === "ok" ? "info" : "warn";
    this.o.logger[level]("kubeconfig refresh finished", {
      ...counts,
      trigger: r.trigger,
      driver: r.driver,
      outcome: r.outcome,
      durationMs: r.durationMs,
      error: r.error,
    });
    if (!this.o.settings.dir || r.error?.startsWith("no directory")) return;
    await saveState(this.o.settings.dir, this.state).catch((err: Error) =>
      this.o.logger.warn("cannot save refresh state", { error: err.message }),
    );
  }

  /** What nsk_status shows; never the token. */
  async status(): Promise<RancherStatus> {
    return buildStatus({
      settings: this.o.settings,
      driver: this.o.driver.name,
      state: this.state,
      refreshing: this.flight.running,
      nextAt: this.scheduler.nextAt(),
      served: this.o.clusters.names().length,
      dues: await this.dues().catch(() => []),
      regularAt: this.scheduler.regularAt(),
      renewFailures: this.renewFailures,
      now: this.now(),
    });
  }

  /** Stops auto-refresh, aborts a running refresh and closes connections. */
  close(): void {
    clearTimeout(this.expiryTimer);
    this.scheduler.stop();
    this.closing.abort(new RancherError("cancelled", "server shutting down"));
    this.flight.abort();
    this.o.driver.close();
  }
}
