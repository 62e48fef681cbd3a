// Start-up answers: the replies this server gave to the requests a host sends first (initialize or server/discover,
// tools/list...), kept per build and configuration, so the next start answers them before the MCP SDK has loaded.
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Logger } from "../log.js";
import { PrivateDir } from "../util/private-dir.js";
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
interface Call {
  id: Id;
  method: string;
  params: unknown;
}
interface Reply {
  id?: unknown;
  result?: unknown;
}

function asCall(value: unknown): Call | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const id = v.id;
  if (v.jsonrpc !== "2.0" || typeof v.method !== "string") return undefined;
  if (typeof id !== "string" && !(typeof id === "number" && Number.isFinite(id))) return undefined;
  return { id, method: v.method, params: v.params };
}

// A request this layer may answer, "notification" for a well-formed notification, else undefined (the SDK's to judge).
function parseCall(text: string): Call | "notification" | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const call = asCall(value);
  if (call) return call;
  const v = value as Record<string, unknown> | null;
  return typeof v === "object" &&
    v !== null &&
    !("id" in v) &&
    v.jsonrpc === "2.0" &&
    typeof v.method === "string"
    ? "notification"
    : undefined;
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
  private readonly answered = new Map<Id, { file: string; text: string }>();
  private readonly pending = new Map<Id, string>();
  private readonly seen = new Set<string>();

  /** `keyedBy`: how the key was found, named in debug lines ("start memo" before the configuration loaded). */
  constructor(
    private readonly dir: PrivateDir,
    private readonly key: string,
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
    const call = frame.kind === "line" ? parseCall(frame.text) : undefined;
    if (call === "notification") return true;
    const file =
      call && STARTUP_METHODS.has(call.method) && !this.answered.has(call.id) ? this.fileOf(call) : undefined;
    const text = file === undefined ? undefined : this.read(file);
    if (!call || file === undefined || text === undefined) {
      this.blocked = true; // answers keep the order of requests: nothing overtakes one that waits
      return false;
    }
    this.answered.set(call.id, { file, text });
    this.logger.debug("answered from the start-up cache", { method: call.method, keyed_by: this.keyedBy });
    write(`{"result":${text},"jsonrpc":"2.0","id":${JSON.stringify(call.id)}}\n`);
    return call.method !== "tools/list";
  }

  /** Notes a request the transport hands to the SDK, so that its reply can be kept. */
  incoming(message: unknown): void {
    const call = asCall(message);
    if (!call || !STARTUP_METHODS.has(call.method) || this.answered.has(call.id)) return;
    const file = this.fileOf(call);
    if (file !== undefined && !this.seen.has(file)) this.pending.set(call.id, file);
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
        this.logger.warn(
          "a start-up answer differed from the server's; kept the server's for the next start",
          {
            file: early.file,
          },
        );
        if (text !== undefined) this.write(early.file, text);
      }
      return false;
    }
    const file = this.pending.get(id);
    if (file !== undefined) {
      this.pending.delete(id);
      this.seen.add(file);
      if ("result" in reply) {
        const text = JSON.stringify(reply.result);
        if (this.read(file) !== text) this.write(file, text);
      }
    }
    return true;
  }

  private fileOf(call: Call): string | undefined {
    if (!this.dir.ready()) {
      this.logger.debug("start-up answers off", { dir: this.dir.path, reason: this.dir.problem });
      return undefined;
    }
    const name = createHash("sha256")
      .update(`${this.key}\0${call.method}\0${JSON.stringify(call.params ?? null)}`)
      .digest("hex")
      .slice(0, 40);
    return `${name}.json`;
  }

  private read(file: string): string | undefined {
    return this.dir.readJson(file);
  }

  private write(file: string, text: string): void {
    if (!this.dir.write(file, text)) this.logger.debug("start-up answer not kept", { file });
  }
}

/** Why: the CLI's start-up answers for the configuration keyed `key`, or none (no build id, or the cache is off). */
export function startupAnswers(
  key: string | undefined,
  logger: Logger,
  env: Readonly<Record<string, string | undefined>>,
  home: string,
): StartupAnswers | undefined {
  const dir = startupCacheDir(env, home);
  return key && dir ? new StartupAnswers(new PrivateDir(dir), key, logger) : undefined;
}
