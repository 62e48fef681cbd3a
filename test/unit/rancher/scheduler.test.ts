// The auto-refresh scheduler: deferred first tick, cadence, no overlap, stop.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { silentLogger } from "../../../src/log.js";
import { Scheduler, STARTUP_GRACE_MS } from "../../../src/rancher/scheduler.js";

describe("Scheduler", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("first ticks one interval after start, then every interval after each run", async () => {
    const runs: number[] = [];
    const s = new Scheduler({
      intervalMs: 60_000,
      logger: silentLogger(),
      run: async () => void runs.push(Date.now()),
    });
    const t0 = Date.now();
    s.start();
    expect(s.nextAt()).toBe(t0 + 60_000);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(runs).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toEqual([t0 + 60_000]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toHaveLength(2);
    s.stop();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(runs).toHaveLength(2);
    expect(s.nextAt()).toBeUndefined();
  });

  it("resumes the cadence from the last refresh, but never sooner than the startup grace", async () => {
    const run = vi.fn(async () => {});
    const s = new Scheduler({ intervalMs: 3_600_000, logger: silentLogger(), run });
    const now = Date.now();
    s.start(now - 10 * 3_600_000); // long overdue
    expect(s.nextAt()).toBe(now + STARTUP_GRACE_MS);
    s.start(now - 1_800_000); // half an interval ago
    expect(s.nextAt()).toBe(now + 1_800_000);
    s.stop();
  });

  it("never overlaps runs and survives a failing run", async () => {
    let active = 0;
    let maxActive = 0;
    let calls = 0;
    const s = new Scheduler({
      intervalMs: 1_000,
      logger: silentLogger(),
      run: async () => {
        calls++;
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 5_000));
        active--;
        if (calls === 1) throw new Error("boom");
      },
    });
    s.start();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(maxActive).toBe(1);
    expect(calls).toBeGreaterThanOrEqual(3);
    s.stop();
  });

  it("waits the full interval when it exceeds the 24.8-day timer limit, and ignores a corrupt last time", async () => {
    const day = 24 * 3600_000;
    let calls = 0;
    const s = new Scheduler({
      intervalMs: 30 * day,
      logger: silentLogger(),
      run: async () => {
        calls++;
      },
    });
    const t0 = Date.now();
    s.start(Number.NaN);
    expect(s.nextAt()).toBe(t0 + 30 * day);
    await vi.advanceTimersByTimeAsync(29 * day);
    expect(calls).toBe(0);
    await vi.advanceTimersByTimeAsync(day);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(day);
    expect(calls).toBe(1);
    s.stop();
  });

  it("pulls the next tick forward to an expiry due time, never sooner than the floor, then resumes the interval", async () => {
    const runs: number[] = [];
    let due: number | undefined;
    const s: Scheduler = new Scheduler({
      intervalMs: 6 * 3600_000,
      logger: silentLogger(),
      run: async () => void runs.push(Date.now()),
      afterRun: async (): Promise<void> => s.dueBy(due, 30_000),
    });
    const t0 = Date.now();
    s.start();
    expect(s.nextAt()).toBe(t0 + 6 * 3600_000);
    due = t0 + 1800_000; // a credential expiring at t0+90m with refresh_before_expiry 1h
    s.dueBy(due, 30_000);
    expect(s.nextAt()).toBe(due);
    expect(s.regularAt()).toBe(t0 + 6 * 3600_000);
    // a later due time never delays the interval
    s.dueBy(t0 + 7 * 3600_000, 30_000);
    expect(s.nextAt()).toBe(t0 + 6 * 3600_000);
    s.dueBy(due, 30_000);
    await vi.advanceTimersByTimeAsync(1800_000 - 1);
    expect(runs).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toEqual([due]);
    // the due time has passed (the renewed credential still expires soon): the floor spaces refreshes out
    expect(s.nextAt()).toBe((runs[0] ?? 0) + 30_000);
    due = undefined; // the second run renews it for good
    await vi.advanceTimersByTimeAsync(30_000);
    expect(runs).toHaveLength(2);
    expect(s.nextAt()).toBe((runs[1] ?? 0) + 6 * 3600_000);
    s.stop();
  });
});
