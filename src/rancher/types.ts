// The contract between the refresh procedure and its two drivers (nsk CLI, Rancher HTTP API).
import type { LocalFile } from "./local.js";

/** Why: the two ways of getting kubeconfigs out of Rancher. */
export type DriverName = "nsk" | "rancher-api";

/** Why: a cluster as Rancher (or `nsk cluster list`) reports it; id is known only through the API. */
export interface RemoteCluster {
  name: string;
  id?: string;
  state?: string;
}

/** Why: what happened to one cluster's kubeconfig in one refresh. */
export type ClusterChange = "added" | "updated" | "unchanged" | "failed";

/** Why: one line of the refresh report. */
export interface ClusterOutcome {
  name: string;
  change: ClusterChange;
  /** why it is unchanged ("fresh") or why it failed; never contains the token */
  detail?: string;
  /** e.g. the exec-plugin warning */
  note?: string;
  /** The Rancher token minted into the new kubeconfig and when Rancher says it expires (its name, not its secret). */
  token?: TokenExpiry;
}

/** Why: Rancher's report on a kubeconfig token; persisted so expiry is known without calling Rancher again. */
export interface TokenExpiry {
  tokenName: string;
  /** ISO 8601 */
  expiresAt: string;
}

/** Why: per-cluster progress, relayed as MCP progress notifications. */
export type ProgressFn = (done: number, total: number, message: string) => void;

/** Why: everything a driver needs to fetch kubeconfigs into the directory. */
export interface FetchRequest {
  dir: string;
  /** the clusters to (re)generate, or "all" when the list is unknown (nsk without a working list command) */
  targets: RemoteCluster[] | "all";
  /** the directory before the fetch, for diffing and restoring */
  before: Map<string, LocalFile>;
  signal: AbortSignal;
  progress: ProgressFn;
}

/** Why: both drivers behind one interface, so refresh, discovery and scheduling are written once. */
export interface RefreshDriver {
  readonly name: DriverName;
  /** The clusters Rancher has; undefined when the driver cannot list (the refresh then fetches everything). */
  list(signal: AbortSignal): Promise<RemoteCluster[] | undefined>;
  /** Writes kubeconfigs for the targets; never deletes a file; a failure leaves the previous file intact. */
  fetch(request: FetchRequest): Promise<{ outcomes: ClusterOutcome[]; warnings: string[] }>;
  /** Releases sockets; idempotent. */
  close(): void;
}
