// Start-up answers: the replies this server gave to the requests a host sends first (initialize or server/discover,
// tools/list...), kept per build and configuration, so the next start answers them before the MCP SDK has loaded.
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Logger } from "../log.js";
import { isObj } from "../redact/secret.js";
import type { PrivateDir } from "../util/private-dir.js";
import type { Frame } from "./line-framer.js";

/**
 * Why: requests whose result is a function of the build, the configuration and the request alone; nothing here
 * reads a cluster, a session or the time.
 */
export const STARTUP_METHODS: ReadonlySet<string> = new Set([
  "initialize",
  "server/discover",
  "tools/list",
  "prompts/list",
  "resources/templates/list",
]);

type Id = string | number;
type Era = "legacy" | "modern";
interface Call {
  id: Id;
  method: string;
  params: unknown;
}
interface Reply {
  id?: unknown;
  result?: unknown;
}

// What the SDK accepts (its JSON-RPC schemas are strict): these members only, an integer or string id, object params.
const MEMBERS: ReadonlySet<string> = new Set(["jsonrpc", "id", "method", "params"]);

function asMessage(value: unknown): { id?: Id; method: string; params: unknown } | undefined {
  if (!isObj(value) || value.jsonrpc !== "2.0" || typeof value.method !== "string") return undefined;
  if (Object.keys(value).some((k) => !MEMBERS.has(k))) return undefined;
  if (value.params !== undefined && !isObj(value.params)) return undefined;
  const { id } = value;
  if ("id" in value && typeof id !== "string" && !Number.isSafeInteger(id)) return undefined;
  return { id: id as Id | undefined, method: value.method, params: value.params };
}

// The SDK picks a connection's era from its opening (a 2026-07-28 envelope claim in `_meta`, or none), and an
// answer holds only in that era. `undefined`, when the SDK's answer depends on more than the era: an initialize
// with a claim (judged by the claim's validity) or a claim of another revision (refused at the opening only).
function eraOf(m: { method: string; params: unknown }): Era | undefined {
  const meta = isObj(m.params) ? m.params._meta : undefined;
  const claim = "io.modelcontextprotocol/protocolVersion";
  if (!isObj(meta) || !(claim in meta)) return "legacy";
  return m.method !== "initialize" && meta[claim] === "2026-07-28" ? "modern" : undefined;
}

// A request or notification as the SDK would take it; undefined for anything else (the SDK's to judge).
function parseMessage(text: string): { id?: Id; method: string; params: unknown } | undefined {
  try {
    return asMessage(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/**
 * Why: where answers are kept: K8S_MCP_STARTUP_CACHE (a directory, or `off`), else the user's cache directory
 * ($XDG_CACHE_HOME or ~/.cache, then k8s-mcp/startup). Undefined: no start-up answers.
 */
export function startupCacheDir(
  env: Readonly<Record<string, string | undefined>>,
  home: string,
): string | undefined {
  const setting = env.K8S_MCP_STARTUP_CACHE?.trim();
  if (setting && ["off", "0", "false", "no"].includes(setting.toLowerCase())) return undefined;
  if (setting) return setting;
  const base = env.XDG_CACHE_HOME?.trim() || (home ? join(home, ".cache") : "");
  return base ? join(base, "k8s-mcp", "startup") : undefined;
}

/** Why: the cache key of one build and one resolved configuration (any setting change is another key). */
export function startupKey(buildId: string, config: unknown): string {
  return createHash("sha256").update(buildId).update("\0").update(JSON.stringify(config)).digest("hex");
}

/**
 * Why: answers the first requests of a start from what this build answered last time for the same configuration,
 * and keeps those answers current. Every request still reaches the SDK (its state is the SDK's); the SDK's reply to
 * one already answered is checked against the answer given and not sent twice.
 */
export class StartupAnswers {
  private blocked = false;
  /** The era of the connection's first message; `mixed` once one speaks another or is unclear: then no answer. */
  private era: Era | undefined;
  private mixed = false;
  private readonly answered = new Map<Id, { call: Call; text: string }>();
  private readonly pending = new Map<Id, string>();
  private readonly seen = new Set<string>();

  /** `keyedBy`: how the key was found, named in debug lines ("start memo" before the configuration loaded). */
  constructor(
    private readonly dir: PrivateDir,
    private key: string,
    private readonly logger: Logger,
    private readonly keyedBy: "configuration" | "start memo" = "configuration",
  ) {}

  /**
   * Answers `frame` now when it is a start-up request seen before and nothing ahead of it waits for the SDK.
   * Returns whether the SDK can still wait: false once a frame needs it, and once tools/list is answered (the
   * opening exchange is over: the SDK loads while the host's agent thinks, not when its first call arrives).
   */
  answerEarly(frame: Frame, write: (line: string) => void): boolean {
    if (this.blocked) return false;
    const message = frame.kind === "line" ? parseMessage(frame.text) : undefined;
    const sameEra = message !== undefined && this.note(message);
    if (sameEra && message.id === undefined) return true; // a notification
    const call = sameEra ? (message as Call) : undefined;
    const file =
      call && STARTUP_METHODS.has(call.method) && !this.answered.has(call.id) ? this.fileOf(call) : undefined;
    const text = file === undefined ? undefined : this.dir.readJson(file);
    if (!call || file === undefined || text === undefined) {
      this.blocked = true; // answers keep the order of requests: nothing overtakes one that waits
      return false;
    }
    this.answered.set(call.id, { call, text });
    this.logger.debug("answered from the start-up cache", { method: call.method, keyed_by: this.keyedBy });
    write(`{"result":${text},"jsonrpc":"2.0","id":${JSON.stringify(call.id)}}\n`);
    return call.method !== "tools/list";
  }

  /**
   * Notes a message the transport hands to the SDK, so that its reply can be kept. False for a cancellation of a
   * request already answered: that request is over for the client, and the SDK's reply must still come (it is
   * the one not sent twice), or a later request reusing the id would lose its own.
   */
  incoming(message: unknown): boolean {
    const m = asMessage(message);
    if (m === undefined) return true;
    const sameEra = this.note(m);
    if (m.id === undefined)
      return !(
        m.method === "notifications/cancelled" &&
        isObj(m.params) &&
        this.answered.has(m.params.requestId as Id)
      );
    if (!sameEra || !STARTUP_METHODS.has(m.method) || this.answered.has(m.id)) return true;
    const file = this.fileOf(m as Call);
    if (file !== undefined && !this.seen.has(file)) this.pending.set(m.id, file);
    return true;
  }

  /** Whether the transport should send `message`: false for the SDK's reply to a request already answered. */
  outgoing(message: object): boolean {
    const reply = message as Reply;
    const id = reply.id as Id;
    if (id === undefined || (!("result" in reply) && !("error" in reply))) return true;
    const early = this.answered.get(id);
    if (early) {
      this.answered.delete(id);
      const text = "result" in reply ? JSON.stringify(reply.result) : undefined;
      if (text !== early.text) {
        const file = this.fileOf(early.call);
        this.logger.warn(
          "a start-up answer differed from the server's; kept the server's for the next start",
          {
            file,
          },
        );
        if (text !== undefined && file !== undefined) this.write(file, text);
      }
      return false;
    }
    const file = this.pending.get(id);
    if (file !== undefined) {
      this.pending.delete(id);
      this.seen.add(file);
      if ("result" in reply) {
        const text = JSON.stringify(reply.result);
        if (this.dir.readJson(file) !== text) this.write(file, text);
      }
    }
    return true;
  }

  /** From now on, answers are those of `key`: the configuration resolved to another key than the start memo named. */
  rekey(key: string): void {
    this.key = key;
  }

  // Whether every message so far speaks the era of the first one.
  private note(m: { method: string; params: unknown }): boolean {
    const era = eraOf(m);
    this.era ??= era;
    if (era === undefined || era !== this.era) this.mixed = true;
    return !this.mixed;
  }

  private fileOf(call: Call): string | undefined {
    if (!this.dir.ready()) {
      this.logger.debug("start-up answers off", { dir: this.dir.path, reason: this.dir.problem });
      return undefined;
    }
    const name = createHash("sha256")
      .update(`${this.key}\0${this.era}\0${call.method}\0${JSON.stringify(call.params ?? null)}`)
      .digest("hex")
      .slice(0, 40);
    return `${name}.json`;
  }

  private write(file: string, text: string): void {
    if (!this.dir.write(file, text)) this.logger.debug("start-up answer not kept", { file });
  }
}
