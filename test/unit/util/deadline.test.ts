// The deadline behind every bounded wait: it fires once its time is up (and says so), follows a parent's
// abort without calling that a timeout, and once cleared neither fires nor keeps listening to its parents.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deadline } from "../../../src/util/deadline.js";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("deadline", () => {
  it("aborts with a TimeoutError when the time is up, not before", () => {
    const d = deadline(1_000);
    vi.advanceTimersByTime(999);
    expect(d.signal.aborted).toBe(false);
    expect(d.timedOut()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(d.signal.aborted).toBe(true);
    expect(d.timedOut()).toBe(true);
    expect((d.signal.reason as DOMException).name).toBe("TimeoutError");
    expect((d.signal.reason as DOMException).message).toBe("timed out after 1000 ms");
  });

  it("follows a parent's abort, with the parent's reason, and that is no timeout", () => {
    const parent = new AbortController();
    const d = deadline(1_000, undefined, parent.signal);
    parent.abort(new Error("client cancelled"));
    expect(d.signal.aborted).toBe(true);
    expect((d.signal.reason as Error).message).toBe("client cancelled");
    expect(d.timedOut()).toBe(false);
  });

  it("is aborted at once by a parent that already was", () => {
    const d = deadline(1_000, AbortSignal.abort("gone"));
    expect(d.signal.aborted).toBe(true);
    expect(d.signal.reason).toBe("gone");
  });

  it("once cleared, neither the timer nor a parent aborts it", () => {
    const parent = new AbortController();
    const d = deadline(1_000, parent.signal);
    d.clear();
    vi.advanceTimersByTime(5_000);
    parent.abort();
    expect(d.signal.aborted).toBe(false);
    expect(d.timedOut()).toBe(false);
  });

  it("a delay beyond the timer's range waits instead of firing at once", () => {
    const d = deadline(Number.MAX_SAFE_INTEGER);
    vi.advanceTimersByTime(60_000);
    expect(d.signal.aborted).toBe(false);
    d.clear();
  });
});
