// What the server is built from; tests build these in-process against real clusters.
import type { ClusterManager } from "../clusters/manager.js";
import type { SessionStore } from "../clusters/sessions.js";
import type { Config } from "../config/index.js";
import type { Logger } from "../log.js";

/** Why: one record per tool call (and per fan-out leg): the audit trail's unit. */
export interface CallRecord {
  time: string;
  session: string;
  tool: string;
  cluster?: string;
  args: Record<string, unknown>;
  outcome: "ok" | "error";
  error?: string;
  durationMs: number;
  fanoutId?: string;
}

/** Why: createServer(deps) has no hidden inputs; everything it uses is here. */
export interface ServerDeps {
  config: Config;
  clusters: ClusterManager;
  sessions: SessionStore;
  logger: Logger;
  /** Called after every tool call; the audit trail hooks in here. */
  onCall?: (record: CallRecord) => void;
}
