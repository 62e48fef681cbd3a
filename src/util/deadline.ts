// A timeout signal that cannot be garbage-collected before it fires.
//
// AbortSignal.any([AbortSignal.timeout(ms), ...]) holds its inputs weakly; when nothing else references the
// timeout signal, a GC can collect it and the deadline silently never fires (seen on Node 20 with an exec
// credential plugin that never returned). Here the pending timer owns the controller, so the deadline holds.

import { setMaxListeners } from "node:events";

const MAX_TIMER_MS = 2_147_483_647;

/** Why: every bounded wait (requests, client builds, fan-out legs, status checks, refreshes) uses this. */
export interface Deadline {
  signal: AbortSignal;
  /** True when the time ran out (as opposed to a parent signal aborting). */
  timedOut: () => boolean;
  /** Stops the timer and detaches from the parents; call when the bounded work is over. */
  clear: () => void;
}

/** Why: combines "at most `ms`" with any parent signals (client cancellation, shutdown). */
export function deadline(ms: number, ...parents: (AbortSignal | undefined)[]): Deadline {
  const controller = new AbortController();
  setMaxListeners(1000, controller.signal); // a deadline may bound many concurrent requests (status over N clusters)
  let expired = false;
  const timer = setTimeout(
    () => {
      expired = true;
      controller.abort(new DOMException(`timed out after ${ms} ms`, "TimeoutError"));
    },
    Math.min(ms, MAX_TIMER_MS),
  ); // longer delays would fire after 1 ms in Node
  const live = parents.filter((p): p is AbortSignal => p !== undefined);
  const onParent = function (this: AbortSignal): void {
    controller.abort(this.reason);
  };
  for (const p of live) {
    if (p.aborted) controller.abort(p.reason);
    else p.addEventListener("abort", onParent, { once: true });
  }
  return {
    signal: controller.signal,
    timedOut: () => expired,
    clear: () => {
      clearTimeout(timer);
      for (const p of live) p.removeEventListener("abort", onParent);
    },
  };
}
