// Logging to stderr or a file, never stdout (stdout carries only JSON-RPC), with secret scrubbing.
import { appendFileSync } from "node:fs";
import { redactText } from "./redact/text.js";
import { redactTree } from "./redact/tree.js";

/** Why: the four levels the --log-level flag accepts. */
export type LogLevel = "error" | "warn" | "info" | "debug";

/** Why: structured fields travel with a message instead of being glued into it. */
export type LogFields = Record<string, unknown>;

/** Why: every module logs through this small interface, so tests can capture it. */
export interface Logger {
  error(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  /** Registers a secret value that must never appear in any log line. */
  addSecret(value: string | undefined): void;
  /** Removes every registered secret, URL userinfo, credential flag value and Authorization value from a text. */
  scrub(text: string): string;
}

const ORDER: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

function render(fields: LogFields): string {
  const parts: string[] = [];
  const safe = redactTree(fields) as LogFields;
  for (const [k, v] of Object.entries(safe)) {
    if (v === undefined) continue;
    const s = typeof v === "string" ? v : JSON.stringify(v);
    parts.push(`${k}=${/[\s"=]/.test(s) ? JSON.stringify(s) : s}`);
  }
  return parts.length ? ` ${parts.join(" ")}` : "";
}

/** Why: builds the process logger; `write` is injectable for tests. */
export function createLogger(opts: {
  level: LogLevel;
  file?: string;
  write?: (line: string) => void;
}): Logger {
  const secrets = new Set<string>();
  const write =
    opts.write ??
    (opts.file
      ? (line: string) => appendFileSync(opts.file as string, line, { mode: 0o600 })
      : (line: string) => {
          process.stderr.write(line);
        });
  const scrub = (text: string): string => redactText(text, secrets);
  const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (ORDER[level] > ORDER[opts.level]) return;
    const line = `${new Date().toISOString()} ${level.toUpperCase()} ${msg}${fields ? render(fields) : ""}\n`;
    try {
      write(scrub(line));
    } catch {
      // A logging failure must never take the server down.
    }
  };
  return {
    error: (m, f) => emit("error", m, f),
    warn: (m, f) => emit("warn", m, f),
    info: (m, f) => emit("info", m, f),
    debug: (m, f) => emit("debug", m, f),
    addSecret: (v) => {
      if (v && v.length >= 4) secrets.add(v);
    },
    scrub,
  };
}

/** Why: a logger for tests and library use that drops everything. */
export function silentLogger(): Logger {
  return createLogger({ level: "error", write: () => {} });
}
