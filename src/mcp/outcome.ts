// How a call ended, for the audit trail and the log: ok, error, timeout or cancelled, told apart honestly.
import { KubeError, type WriteEffect } from "../kube/errors.js";
import type { CallRecord } from "./deps.js";

/**
 * Why: a write whose effect is unknown says so; else a call cut off by its deadline is a timeout and one the client abandoned is cancelled, whatever the
 * handler returned or threw afterwards; otherwise a Kubernetes timeout/cancellation keeps its own kind.
 */
export function callOutcome(
  isError: boolean,
  failure: unknown,
  signal: AbortSignal,
  effect?: WriteEffect,
): CallRecord["outcome"] {
  // A write cut off after it was sent (even if cancelled or timed out) may have changed the cluster: first.
  if ((failure instanceof KubeError ? failure.effect : effect) === "unknown") return "unknown";
  if (signal.aborted)
    return (signal.reason as Error | undefined)?.name === "TimeoutError" ? "timeout" : "cancelled";
  if (failure instanceof KubeError && (failure.kind === "timeout" || failure.kind === "cancelled"))
    return failure.kind;
  return isError ? "error" : "ok";
}
