// What the server is built from; tests build these in-process against real clusters.
import type { ClusterManager } from "../clusters/manager.js";
import type { SessionStore } from "../clusters/sessions.js";
import type { Config } from "../config/index.js";
import type { Logger } from "../log.js";
import type { RancherService } from "../rancher/service.js";
import type { AuditSink } from "./audit.js";

/** Why: one record per tool call (and per fan-out leg): the audit trail's unit. */
export interface CallRecord {
  time: string;
  session: string;
  tool: string;
  cluster?: string;
  args: Record<string, unknown>;
  /**
   * timeout: cut off by a deadline; cancelled: abandoned by the client (or a fail-fast fan-out); unknown: a write
   * whose request went out and whose answer was lost, so the change may or may not have been made.
   */
  outcome: "ok" | "error" | "timeout" | "cancelled" | "unknown";
  error?: string;
  durationMs: number;
  /** Unique id of this call; a fan-out's legs carry it as their fanoutId. */
  callId: string;
  /** Set on the legs of a clusters_exec_all fan-out: the callId of that fan-out. */
  fanoutId?: string;
  /** [team] The authenticated caller (with [oauth]): user name and groups, never the token. */
  user?: string;
  groups?: readonly string[];
  /** [team] The identity used toward `cluster`: "server", "impersonate" or "passthrough" (cluster_auth). */
  as?: string;
}

/** Why: createServer(deps) has no hidden inputs; everything it uses is here. */
export interface ServerDeps {
  config: Config;
  clusters: ClusterManager;
  sessions: SessionStore;
  logger: Logger;
  /** Rancher/NSK kubeconfig refresh; present only when [nsk] is configured (enables the nsk_* tools). */
  rancher?: RancherService;
  /** Called after every tool call; the audit trail hooks in here. */
  onCall?: (record: CallRecord) => void;
  /** The audit sink behind onCall, closed with the server. */
  audit?: AuditSink;
}
