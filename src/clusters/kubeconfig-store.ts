// One reader for kubeconfig files, keyed on what the file says: each version (its bytes) is read, hashed and
// parsed once, and isolation, the client, configuration_view and the classic merge all use that one parse.
// node:crypto is one of the bundle's lazy builtins: it loads with the first hash, not at start-up.
import { createHash } from "node:crypto";
import type { BigIntStats } from "node:fs";
import { realpath, stat } from "../util/fs-async.js";
import { readKubeconfigFile } from "../util/read-limited.js";
import type * as Discovery from "./discovery/kubeconfig.js";

/** Why: one version of one kubeconfig file: the bytes, their hash, and the single parse everyone uses. */
export interface KubeconfigVersion {
  file: string;
  /** sha256 of the bytes: two reads with the same key hold the same content. */
  key: string;
  text: string;
  /** client-node's parser's reading of the text (js-yaml); undefined when it does not parse. */
  doc: unknown;
  /** Why the text does not parse (line and column, never content; without the file name). */
  error?: string;
}

/**
 * Why: how long after a file's last modification its stat data cannot prove it unchanged. Timestamps advance in
 * ticks (coarse kernel clocks, 1-2 s on some filesystems): a rewrite within the tick of the previous read keeps
 * every stat field but ctime, and maybe that too, so such a file ("racily clean", as git calls it) is re-read.
 */
export const RACY_TICK_MS = 2000;

/** Why: what a read saw of a file, for the fast path. */
export interface Seen {
  identity: string;
  /** Wall-clock time (ms) taken before the stat that the version was read under. */
  readStartMs: number;
  mtimeMs: number;
  ctimeMs: number;
  version: KubeconfigVersion;
}

function identityOf(real: string, st: BigIntStats): string {
  return `${real}\0${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

/** Why: the fast path: stat data may skip a read only when it proves nothing changed since a settled read. */
export function provesUnchanged(seen: Seen | undefined, identity: string): boolean {
  if (!seen || seen.identity !== identity) return false;
  const settled = seen.readStartMs - RACY_TICK_MS;
  return seen.mtimeMs < settled && seen.ctimeMs < settled;
}

// The one parse is shared by every reader: frozen, so no reader can change what another sees.
function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function parse(d: typeof Discovery, file: string, text: string, key: string): KubeconfigVersion {
  try {
    return { file, key, text, doc: deepFreeze(d.readKubeconfigDoc(text, file)) };
  } catch (err) {
    const error = err instanceof d.KubeconfigError ? err.what : "invalid YAML";
    return { file, key, text, doc: undefined, error };
  }
}

/** Why: every reader of a kubeconfig file gets the same version of it, read and parsed once per content. */
export class KubeconfigStore {
  private readonly seen = new Map<string, Seen>();
  private readonly parsed = new Map<string, KubeconfigVersion>();

  constructor(private readonly maxBytes?: number) {}

  /** The file's current version. Read errors (missing, too large, unreadable) are thrown as the fs gives them. */
  async read(file: string): Promise<KubeconfigVersion> {
    const readStartMs = Date.now();
    const [st, real] = await Promise.all([stat(file, { bigint: true }), realpath(file)]);
    const identity = identityOf(real, st);
    const seen = this.seen.get(file);
    if (seen && provesUnchanged(seen, identity)) return seen.version;
    const text = await readKubeconfigFile(file, this.maxBytes);
    const key = createHash("sha256").update(text).digest("hex");
    // One parse per content: a file rewritten with the same bytes (touch, cp -p of a twin) keeps its version.
    let version = this.parsed.get(`${file}\0${key}`);
    if (!version) {
      if (seen) this.parsed.delete(`${file}\0${seen.version.key}`);
      // The parser (js-yaml, client-node's own) loads with the first read, never at start-up.
      version = parse(await import("./discovery/kubeconfig.js"), file, text, key);
      this.parsed.set(`${file}\0${key}`, version);
    }
    this.seen.set(file, {
      identity,
      readStartMs,
      mtimeMs: Number(st.mtimeMs),
      ctimeMs: Number(st.ctimeMs),
      version,
    });
    return version;
  }

  /** The file's version, or undefined when it cannot be read (missing, too large): callers that only look. */
  tryRead(file: string): Promise<KubeconfigVersion | undefined> {
    return this.read(file).catch(() => undefined);
  }

  /** Forgets files no longer in use (removed clusters), so the cache does not grow with churn. */
  forget(keep: (file: string) => boolean): void {
    for (const [file, s] of this.seen) {
      if (keep(file)) continue;
      this.seen.delete(file);
      this.parsed.delete(`${file}\0${s.version.key}`);
    }
  }
}
