// The bin's first step on stdio. A start memo records, per invocation (arguments, environment, home, working
// directory) and config file content, the resolved settings the stdio start needs; when the memo matches, stdin
// opens and start-up answers reply before flags, configuration and zod are loaded.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import type { LoadedConfig } from "../config/index.js";
import { createLogger, type Logger, type LogLevel } from "../log.js";
import { StartupAnswers, startupCacheDir, startupKey } from "../transports/startup-answers.js";
import { type EarlyStdin, openStdin } from "../transports/stdio-open.js";
import { PrivateDir } from "../util/private-dir.js";
import { BUILD_ID } from "../version.js";

/** Why: what a stdio start resolved, enough to open stdin and answer before the configuration loads again. */
export interface StartMemo {
  /** startupKey of the resolved configuration */
  key: string;
  maxBytes: number;
  logLevel: LogLevel;
  logFile?: string;
  /** the --config file read, with the sha256 of its content */
  configFile?: { path: string; sha256: string };
}

/** Why: the process's inputs to loadConfig besides the config file (everything it reads, and more). */
export interface Invocation {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  cwd: string;
}

/** Why: what the CLI gets from an early start: stdin, already reading (and answering), and the memo used. */
export interface EarlyStart {
  stdin: EarlyStdin;
  memo: StartMemo;
  logger: Logger;
}

const sha256 = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");

// Everything loadConfig reads is in here or in the config file: the whole environment (`${VAR}` may name any
// variable), the arguments after the script, the home directory ("~/") and the working directory (relative paths).
function memoName(buildId: string, inv: Invocation): string {
  const env = Object.entries(inv.env)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const material = JSON.stringify([buildId, inv.argv.slice(2), env, inv.home, inv.cwd]);
  return `start-${sha256(material).slice(0, 40)}.json`;
}

// Only a regular file is read here: a pipe (`--config <(...)`) read now would be empty when the CLI reads it.
function fileSha256(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? sha256(readFileSync(path)) : undefined;
  } catch {
    return undefined;
  }
}

function parseMemo(text: string): StartMemo | undefined {
  const m = JSON.parse(text) as Partial<StartMemo>;
  const levels: readonly string[] = ["error", "warn", "info", "debug"];
  const file = m.configFile;
  if (
    typeof m.key !== "string" ||
    !Number.isSafeInteger(m.maxBytes) ||
    (m.maxBytes as number) <= 0 ||
    !levels.includes(m.logLevel as string) ||
    (m.logFile !== undefined && typeof m.logFile !== "string") ||
    (file !== undefined && (typeof file?.path !== "string" || typeof file.sha256 !== "string"))
  )
    return undefined;
  return m as StartMemo;
}

/**
 * Why: a stdio start whose invocation and config file are unchanged since one that succeeded: opens stdin with
 * start-up answers now. Undefined (the CLI then starts as usual) when anything differs or nothing is kept.
 */
export function startEarly(inv: Invocation): EarlyStart | undefined {
  const path = startupCacheDir(inv.env, inv.home);
  if (!BUILD_ID || !path) return undefined;
  const dir = new PrivateDir(path);
  const text = dir.readJson(memoName(BUILD_ID, inv));
  const memo = text === undefined ? undefined : parseMemo(text);
  if (!memo) return undefined;
  if (memo.configFile && fileSha256(memo.configFile.path) !== memo.configFile.sha256) return undefined;
  const logger = createLogger({ level: memo.logLevel, file: memo.logFile });
  return {
    stdin: openStdin(memo.maxBytes, new StartupAnswers(dir, memo.key, logger, "start memo")),
    memo,
    logger,
  };
}

/**
 * Why: waits until the opening requests are answered and something needs the rest of the server; false when a
 * stop signal came first (then nothing else needs to load or close).
 */
export async function openingDone(start: EarlyStart): Promise<boolean> {
  const signal = await Promise.race([start.stdin.frames.needed.then(() => undefined), start.stdin.stopped]);
  if (signal !== undefined) start.logger.info("shutting down", { reason: signal });
  return signal === undefined;
}

/**
 * Why: stdin for a stdio start once its configuration is resolved: the one the bin opened early, or a new one
 * with start-up answers keyed on the configuration; the start memo is brought up to date (written only when it
 * changed).
 */
export function openStdio(
  inv: Invocation,
  loaded: LoadedConfig,
  logger: Logger,
  early?: EarlyStart,
): EarlyStdin {
  const { config } = loaded;
  const path = startupCacheDir(inv.env, inv.home);
  if (!BUILD_ID || !path) return early?.stdin ?? openStdin(config.max_request_bytes);
  const key = startupKey(BUILD_ID, config);
  if (early && early.memo.key !== key) {
    logger.warn("the start memo named another configuration; it is replaced");
    early.stdin.answers?.rekey(key); // the answers still to give and to keep are this configuration's
  }
  const dir = new PrivateDir(path);
  const stdin = early?.stdin ?? openStdin(config.max_request_bytes, new StartupAnswers(dir, key, logger));
  const memo: StartMemo = {
    key,
    maxBytes: config.max_request_bytes,
    logLevel: config.log_level,
    logFile: config.log_file,
  };
  if (loaded.configPath && loaded.configSha256)
    memo.configFile = { path: loaded.configPath, sha256: loaded.configSha256 };
  if (JSON.stringify(memo) !== JSON.stringify(early?.memo))
    dir.write(memoName(BUILD_ID, inv), JSON.stringify(memo));
  return stdin;
}
