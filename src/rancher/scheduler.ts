// The auto_refresh timer: unref'd, never overlapping, first tick deferred so startup does no network I/O; a
// credential expiring before the next interval pulls the tick forward (refresh_before_expiry).
import type { Logger } from "../log.js";

/** Why: the first tick never comes sooner than this after start, so the MCP handshake is long done. */
export const STARTUP_GRACE_MS = 30_000;

const MAX_TIMER_MS = 2_147_483_647;

/** Why: what the scheduler needs; `run` is the refresh (its errors are logged, never thrown). */
export interface SchedulerOptions {
  intervalMs: number;
  run: () => Promise<void>;
  logger: Logger;
  now?: () => number;
  /** After each run and its rescheduling: the owner re-reads expiries and calls dueBy. */
  afterRun?: () => Promise<void>;
}

/** Why: refreshes on refresh_interval in the background without blocking tool calls or process exit. */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private next: number | undefined;
  /** the interval's own due time; `next` is the earlier of it and an expiry-driven due time */
  private regular: number | undefined;
  private stopped = false;
  private running = false;

  constructor(private readonly o: SchedulerOptions) {}

  /**
   * Starts the timer. `lastAt` (the previous refresh, from the state file) makes a restart resume the cadence:
   * the first tick is at lastAt + interval, but never sooner than min(interval, STARTUP_GRACE_MS) from now.
   */
  start(lastAt?: number): void {
    this.stopped = false;
    const now = this.nowMs();
    const last = lastAt !== undefined && Number.isFinite(lastAt) ? lastAt : undefined; // a corrupt state file gives NaN
    const due = last === undefined ? now + this.o.intervalMs : last + this.o.intervalMs;
    const floor = Math.min(this.o.intervalMs, STARTUP_GRACE_MS);
    this.schedule(Math.max(due - now, floor));
  }

  private nowMs(): number {
    return this.o.now ? this.o.now() : Date.now();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.regular = this.nowMs() + delayMs;
    this.next = this.regular;
    this.arm();
  }

  /**
   * Why: a kubeconfig whose credentials expire before the next interval is refreshed ahead of it. `at` is when
   * the earliest one is due (expiry minus refresh_before_expiry); never sooner than `floorMs` from now, so a
   * credential Rancher keeps issuing short cannot spin refreshes. undefined: only the interval counts.
   */
  dueBy(at: number | undefined, floorMs: number): void {
    if (this.stopped || this.running || this.regular === undefined) return;
    const early = at === undefined ? undefined : Math.max(at, this.nowMs() + floorMs);
    this.next = early !== undefined && early < this.regular ? early : this.regular;
    this.arm();
  }

  // Node fires a timer longer than 2^31-1 ms (~24.8 days) after 1 ms; a "30d" interval would spin. Long waits
  // are armed in chunks until the due time is reached.
  private arm(): void {
    clearTimeout(this.timer);
    if (this.stopped || this.next === undefined) return;
    const remaining = this.next - this.nowMs();
    if (remaining <= 0) {
      void this.tick();
      return;
    }
    this.timer = setTimeout(() => this.arm(), Math.min(remaining, MAX_TIMER_MS));
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.next = undefined;
    this.regular = undefined;
    this.running = true;
    try {
      await this.o.run();
    } catch (err) {
      this.o.logger.warn("auto-refresh failed", { error: (err as Error).message });
    } finally {
      this.running = false;
    }
    this.schedule(this.o.intervalMs);
    await this.o.afterRun?.();
  }

  /** When the interval alone would refresh next (epoch ms), whatever expiry pulled forward. */
  regularAt(): number | undefined {
    return this.stopped ? undefined : this.regular;
  }

  /** When the next automatic refresh is due (epoch ms); undefined while one runs or when stopped. */
  nextAt(): number | undefined {
    return this.stopped ? undefined : this.next;
  }

  /** Stops the timer; an in-flight tick finishes but schedules nothing. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.next = undefined;
    this.regular = undefined;
  }
}
