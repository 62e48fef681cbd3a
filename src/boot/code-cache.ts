// Runs a bundled CommonJS script with a V8 code cache kept on disk, for Node versions without a compile cache.
import {
  closeSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import vm from "node:vm";
import { onStartupAnswered } from "./startup-signal.js";

/**
 * Why: what one start did with the cache (NODE_DEBUG=k8s-mcp prints it). "damaged": the file failed its
 * checksum; "untrusted": another user could have written it; "rejected": V8 refused it (other V8 or source).
 */
export type CacheOutcome = "accepted" | "rejected" | "missing" | "damaged" | "untrusted";

/** Why: either the script ran (with what cache), or nothing ran and the caller loads the program another way. */
export type CodeCacheRun =
  | { ran: true; outcome: CacheOutcome; file: string; exports: unknown }
  | { ran: false; reason: string };

/** Why: where the cache lives and under which name; `id` changes with every build of the script. */
export interface CodeCacheTarget {
  dir: string;
  id: string;
}

const MAGIC = Buffer.from("k8s-mcp-v8-cache\n");
const HEADER = MAGIC.length + 4;
const STALE_MS = 30 * 24 * 3600 * 1000;

// zlib is taken only on this path: the bin imports this module on every Node, and Node >= 22 never needs it.
function crc32(data: Buffer): number {
  return process.getBuiltinModule("node:zlib").crc32(data);
}

/**
 * Why: the cache directory, honouring Node's own switches (NODE_DISABLE_COMPILE_CACHE=1 turns caching off,
 * NODE_COMPILE_CACHE names the directory) and otherwise the user's cache home; undefined means no cache.
 */
export function codeCacheDir(env: NodeJS.ProcessEnv, home: string = homedir()): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE === "1") return undefined;
  if (env.NODE_COMPILE_CACHE) return join(env.NODE_COMPILE_CACHE, "k8s-mcp");
  const base = env.XDG_CACHE_HOME || (home ? join(home, ".cache") : "");
  return base ? join(base, "k8s-mcp", "compile-cache") : undefined;
}

// Code read from a cache runs in this process, so only a directory and file that no other user can write are
// trusted: owned by this user, no group/other write bit, not a symlink.
function privateEntry(mode: number, uid: number): boolean {
  const mine = typeof process.getuid !== "function" || uid === process.getuid();
  return mine && (mode & 0o022) === 0;
}

function usableDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    return st.isDirectory() && privateEntry(st.mode, st.uid);
  } catch {
    return false;
  }
}

function readCache(path: string): { data?: Buffer; problem?: CacheOutcome } {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
  } catch {
    return { problem: "missing" };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || !privateEntry(st.mode, st.uid) || lstatSync(path).isSymbolicLink())
      return { problem: "untrusted" };
    const raw = readFileSync(fd);
    if (raw.length <= HEADER || !raw.subarray(0, MAGIC.length).equals(MAGIC)) return { problem: "damaged" };
    const data = raw.subarray(HEADER);
    return raw.readUInt32LE(MAGIC.length) === crc32(data) ? { data } : { problem: "damaged" };
  } catch {
    return { problem: "damaged" };
  } finally {
    closeSync(fd);
  }
}

// Whole file or nothing: a unique temporary name, then rename. Caches of other builds of the script (other
// versions, other flags) are left alone, since several installs may take turns; those unused for a month go.
function writeCache(dir: string, file: string, data: Buffer): void {
  const path = join(dir, file);
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const header = Buffer.alloc(4);
  header.writeUInt32LE(crc32(data));
  try {
    writeFileSync(tmp, Buffer.concat([MAGIC, header, data]), { mode: 0o600, flag: "wx" });
    renameSync(tmp, path);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {}
    return;
  }
  const prefix = file.slice(0, file.indexOf("-") + 1);
  const stale = Date.now() - STALE_MS;
  for (const old of readdirSync(dir)) {
    if (old === file || !old.startsWith(prefix) || !old.endsWith(".v8")) continue;
    try {
      if (lstatSync(join(dir, old)).mtimeMs < stale) unlinkSync(join(dir, old));
    } catch {}
  }
}

// V8 refuses a cache made under other V8 flags, so the flags a start was given are part of the file name:
// two ways of starting the server each keep their own cache instead of overwriting each other's.
function flagsTag(execArgv: readonly string[], nodeOptions: string | undefined): string {
  let h = 0x811c9dc5;
  for (const ch of `${execArgv.join("\0")}\0${nodeOptions ?? ""}`)
    h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * Why: Node 20 cannot cache the compiled bundle itself (module.enableCompileCache is Node >= 22.1), and
 * compiling it costs ~25 ms of its start-up CPU. Runs `scriptPath` (CommonJS) with the cached code when the
 * cache is valid for it. Without a usable cache, one is written once the server has answered its first tools/list
 * (startupAnswered): the code every start runs, not the first call's, whose eager deserialization on every later
 * start would cost more than compiling it lazily (a 1.8 MB cache made after a first call: tools/list ~30 ms
 * later and the first answer no sooner, on Node 20 here); `saveWhen` names another moment (lazy.cjs: shortly
 * after it is first loaded). Runs nothing, and says why, when no cache can be kept.
 */
export function runWithCodeCache(
  scriptPath: string,
  target: CodeCacheTarget,
  saveWhen: (save: () => void) => void = onStartupAnswered,
): CodeCacheRun {
  if (!usableDir(target.dir)) return { ran: false, reason: `${target.dir} is not a private directory` };
  const stem = basename(scriptPath).replace(/[^A-Za-z0-9_.]/g, "_");
  const flags = flagsTag(process.execArgv, process.env.NODE_OPTIONS);
  const file = join(target.dir, `${stem}-${target.id}-${process.version}-${process.arch}-${flags}.v8`);
  const cached = readCache(file);
  let script: vm.Script;
  try {
    const source = readFileSync(scriptPath, "utf8");
    script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
      filename: scriptPath,
      ...(cached.data ? { cachedData: cached.data } : {}),
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
  } catch (err) {
    return { ran: false, reason: `${scriptPath}: ${err instanceof Error ? err.message : String(err)}` };
  }
  const outcome: CacheOutcome = cached.problem ?? (script.cachedDataRejected ? "rejected" : "accepted");
  const wrapper: unknown = script.runInThisContext();
  if (typeof wrapper !== "function") return { ran: false, reason: `${scriptPath} is not a wrapped script` };
  if (outcome !== "accepted") {
    let saved = false;
    // Best effort, and it may run in an exit handler: nothing it meets may throw.
    const save = (): void => {
      if (saved) return;
      saved = true;
      try {
        writeCache(target.dir, basename(file), script.createCachedData());
      } catch {}
    };
    saveWhen(save);
    process.once("exit", save); // a start that never lists tools (HTTP without clients, --version) still saves
  }
  const module: { exports: unknown } = { exports: {} };
  wrapper.call(
    module.exports,
    module.exports,
    createRequire(scriptPath),
    module,
    scriptPath,
    dirname(scriptPath),
  );
  return { ran: true, outcome, file, exports: module.exports };
}
