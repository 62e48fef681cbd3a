// Log and audit destinations checked before start-up: a destination that cannot be written is a configuration error.
import { closeSync, openSync, statSync } from "node:fs";
import { ConfigError } from "./errors.js";
import type { Config } from "./schema.js";

// Opens (creating if needed) for append and closes again: the same access the logger and audit sink need.
function writeProblem(setting: string, path: string): string | undefined {
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) return `${setting} ${path} is a directory`;
    closeSync(openSync(path, "a", 0o600));
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    return `${setting} ${path} cannot be written (${code})`;
  }
}

/**
 * Why: a log or audit destination that cannot be written would silently drop every line; refuse to start
 * instead (the CLI exits 2 on a ConfigError), with one message naming each bad destination.
 */
export function checkDestinations(config: Pick<Config, "log_file" | "audit_log">): void {
  const problems = [
    config.log_file ? writeProblem("log_file", config.log_file) : undefined,
    config.audit_log ? writeProblem("audit_log", config.audit_log) : undefined,
  ].filter((p): p is string => p !== undefined);
  if (problems.length) throw new ConfigError(problems);
}
