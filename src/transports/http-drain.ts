// Tracks POST requests in flight so shutdown can wait for them (bounded) before closing sessions.
import type { ServerResponse } from "node:http";

/** Why: graceful shutdown must know when the last in-flight tool call has been answered. */
export class InFlightRequests {
  private readonly open = new Set<ServerResponse>();
  private waiters: Array<() => void> = [];

  /** How many requests are in flight. */
  get size(): number {
    return this.open.size;
  }

  /** Counts `res` until its connection is done with it (answered, failed or aborted). */
  track(res: ServerResponse): void {
    this.open.add(res);
    res.once("close", () => {
      this.open.delete(res);
      if (this.open.size === 0) this.wake();
    });
  }

  /** Resolves true once nothing is in flight, false when `timeoutMs` passes or `signal` aborts first. */
  async drained(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.open.size === 0) return true;
    return new Promise<boolean>((resolve) => {
      const finish = (value: boolean): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.waiters = this.waiters.filter((w) => w !== onDrained);
        resolve(value);
      };
      const onDrained = (): void => finish(true);
      const onAbort = (): void => finish(false);
      const timer = setTimeout(onAbort, timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      if (signal?.aborted) onAbort();
      else this.waiters.push(onDrained);
    });
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }
}
