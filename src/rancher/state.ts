// The refresh state file (.k8s-mcp-refresh.json): last refresh and its outcome, surviving restarts.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic.js";
import type { TokenExpiry } from "./types.js";

/** Why: a dotfile, so the directory scan ignores it; lives beside the kubeconfigs it describes. */
export const STATE_FILE = ".k8s-mcp-refresh.json";

/** Why: who asked for a refresh; shown in status and logs. */
export type RefreshTrigger = "manual" | "auto" | "discover";

/** Why: the closed set of refresh outcomes. */
export type RefreshOutcome = "ok" | "partial" | "failed" | "cancelled";

/** Why: per-category counts, persisted and reported by nsk_status. */
export interface RefreshCounts {
  added: number;
  updated: number;
  unchanged: number;
  failed: number;
  vanished: number;
}

/** Why: what nsk_status says about the previous refresh, even after a restart. */
export interface LastRefresh {
  trigger: RefreshTrigger;
  driver: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  outcome: RefreshOutcome;
  counts: RefreshCounts;
  remoteCount?: number;
  error?: string;
}

/** Why: the whole persisted state; unknown or corrupt files are treated as empty. */
export interface RefreshState {
  version: 1;
  last?: LastRefresh;
  /** finishedAt of the last refresh that wrote or verified files (ok or partial); min_refresh_interval uses it */
  lastSuccessAt?: string;
  /** per cluster: Rancher's expiry of the token in its kubeconfig (token name, never the secret) */
  tokens?: Record<string, TokenExpiry>;
}

/** Why: a missing or unreadable state file must never block a refresh. */
export async function loadState(dir: string): Promise<RefreshState> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(dir, STATE_FILE), "utf8"));
    if (parsed && typeof parsed === "object" && (parsed as { version?: unknown }).version === 1) {
      return parsed as RefreshState;
    }
  } catch {
    // fall through: no usable state
  }
  return { version: 1 };
}

/** Why: written atomically like the kubeconfigs, so a crash cannot corrupt it. */
export async function saveState(dir: string, state: RefreshState): Promise<void> {
  await writeFileAtomic(join(dir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

/**
 * Why: the freshness rule. A kubeconfig is fresh while younger than refresh_interval minus a slack of
 * 10% (at most 1 minute), so the auto-refresh tick that comes exactly one interval later regenerates it,
 * while manual refreshes and restarts in between do not mint new Rancher tokens.
 */
export function freshWindowMs(intervalMs: number): number {
  return intervalMs - Math.min(intervalMs * 0.1, 60_000);
}

/** Why: applies the freshness rule to one file's modification time. */
export function isFresh(mtimeMs: number, now: number, intervalMs: number): boolean {
  return now - mtimeMs < freshWindowMs(intervalMs);
}
