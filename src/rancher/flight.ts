// Coalescing and serialising refreshes: concurrent requests share one run; writers never overlap.
import { RancherError } from "./errors.js";

interface Flight<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiters: number;
}

/** Why: a refresh requested while one runs joins it instead of starting a second (no double token minting). */
export class SingleFlight<T> {
  private current: Flight<T> | undefined;

  /** True while a run is in progress. */
  get running(): boolean {
    return this.current !== undefined;
  }

  /**
   * Starts `start` or joins the run in progress. The run is aborted only when every caller has given up
   * (their signals aborted); a caller that gives up gets a "cancelled" error at once.
   */
  run(
    start: (signal: AbortSignal) => Promise<T>,
    caller?: AbortSignal,
  ): { promise: Promise<T>; joined: boolean } {
    let flight = this.current;
    const joined = flight !== undefined;
    if (!flight) {
      const controller = new AbortController();
      const created: Flight<T> = {
        controller,
        waiters: 0,
        promise: Promise.resolve()
          .then(() => start(controller.signal))
          .finally(() => {
            if (this.current === created) this.current = undefined;
          }),
      };
      flight = created;
      this.current = flight;
    }
    const f = flight;
    f.waiters++;
    if (!caller) return { promise: f.promise, joined };
    const promise = new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        f.waiters--;
        if (f.waiters <= 0) f.controller.abort(caller.reason);
        reject(new RancherError("cancelled", "refresh cancelled"));
      };
      if (caller.aborted) return onAbort();
      caller.addEventListener("abort", onAbort, { once: true });
      f.promise.then(
        (v) => {
          caller.removeEventListener("abort", onAbort);
          resolve(v);
        },
        (e: unknown) => {
          caller.removeEventListener("abort", onAbort);
          reject(e);
        },
      );
    });
    return { promise, joined };
  }

  /** Aborts the run in progress (server shutdown). */
  abort(reason?: unknown): void {
    this.current?.controller.abort(reason);
  }
}

/** Why: discovery and refresh both write the directory; this runs them one after the other. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  /** Runs fn after every previously queued fn has settled. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
