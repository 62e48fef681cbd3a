// The audit trail: every tool call and every fan-out leg, to the log and optionally as JSON lines to a file.
import { closeSync, openSync, writeSync } from "node:fs";
import type { Logger } from "../log.js";
import type { CallRecord } from "./deps.js";

/** Why: the sink deps.onCall points to; close() releases the file. */
export interface AuditSink {
  record: (r: CallRecord) => void;
  close: () => void;
}

/**
 * Why: one line per record, written with a single O_APPEND write so concurrent writers never interleave
 * and a crash never corrupts earlier lines. Arguments arrive already redacted; the logger scrubs secrets again.
 */
export function createAuditSink(opts: { file?: string; logger: Logger }): AuditSink {
  let fd: number | undefined;
  if (opts.file) fd = openSync(opts.file, "a", 0o600);
  return {
    record: (r) => {
      opts.logger.info("tool call", {
        tool: r.tool,
        cluster: r.cluster,
        session: r.session,
        outcome: r.outcome,
        ms: r.durationMs,
        call: r.callId,
        fanout: r.fanoutId,
        user: r.user,
        groups: r.groups?.join(","),
        as: r.as,
        error: r.error,
      });
      if (fd === undefined) return;
      try {
        writeSync(fd, `${opts.logger.scrub(JSON.stringify(r))}\n`);
      } catch (err) {
        opts.logger.error("audit log write failed", { error: (err as Error).message });
      }
    },
    close: () => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
