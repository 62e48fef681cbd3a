// The live MCP sessions of the HTTP transport: one SDK transport + one McpServer each, idle timers, cleanup.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { NodeStreamableHTTPServerTransport } from "@modelcontextprotocol/node";
import type { McpServer } from "@modelcontextprotocol/server";
import type { Logger } from "../log.js";
import type { ServerDeps } from "../mcp/deps.js";
import type { ServerOptions } from "../mcp/server.js";

const MAX_TIMER_MS = 2_147_483_647;

/** Why: builds the McpServer a new session talks to (createServer in production; tests may add tools). */
export type ServerFactory = (deps: ServerDeps, options?: ServerOptions) => McpServer;

/** Why: one MCP session: its transport, its server, and how many POSTs it has in flight. */
export interface HttpSession {
  /** Empty until the SDK has generated the id (during initialize). */
  id: string;
  readonly transport: NodeStreamableHTTPServerTransport;
  readonly server: McpServer;
  inFlight: number;
  /** When a POST last began (ms since epoch): the least recently used idle session makes room first. */
  lastUsed: number;
  timer: NodeJS.Timeout | undefined;
  closed: boolean;
  closeReason: string | undefined;
  /** [team] The user who opened the session (with [oauth]); only that user may use it. */
  owner: string | undefined;
}

/** Why: what the registry needs from the transport's options. */
export interface SessionRegistryOptions {
  deps: ServerDeps;
  logger: Logger;
  idleTimeoutMs: number;
  createServer: ServerFactory;
}

/**
 * Why: which of a user's sessions to close so one more fits under `perUser`: the least recently used idle ones;
 * undefined when too few are idle (the new session is refused rather than a busy one cut off).
 */
export function sessionsToEvict<T extends Pick<HttpSession, "inFlight" | "lastUsed">>(
  own: readonly T[],
  perUser: number,
): T[] | undefined {
  const excess = own.length - Math.max(1, perUser) + 1;
  if (excess <= 0) return [];
  const idle = own.filter((s) => s.inFlight === 0).sort((a, b) => a.lastUsed - b.lastUsed);
  return idle.length < excess ? undefined : idle.slice(0, excess);
}

/** Why: sessions live until DELETE, idle timeout or shutdown; each end frees the session's cluster state. */
export class HttpSessionRegistry {
  private readonly live = new Map<string, HttpSession>();
  constructor(private readonly opts: SessionRegistryOptions) {}

  /** How many sessions are open. */
  get size(): number {
    return this.live.size;
  }

  /** The open session with this id, if any. */
  get(id: string): HttpSession | undefined {
    return this.live.get(id);
  }

  /**
   * [team] Keeps one user from holding every session: a user at `perUser` sessions gets room by closing their own
   * least recently used idle session (a client that reconnects re-initializes); false when all of them are busy.
   */
  async makeRoomFor(owner: string, perUser: number): Promise<boolean> {
    const own = [...this.live.values()].filter((s) => s.owner === owner && !s.closed);
    const evict = sessionsToEvict(own, perUser);
    if (!evict) return false;
    for (const s of evict) await this.close(s, "the user's session limit: least recently used");
    return true;
  }

  /** Answers an initialize POST with a new session; the session exists only if initialization succeeds. */
  async open(req: IncomingMessage, res: ServerResponse, body: unknown, owner?: string): Promise<void> {
    const { deps, logger } = this.opts;
    let session: HttpSession | undefined;
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        if (!session) return;
        session.id = id;
        this.live.set(id, session);
        deps.sessions.get(id);
        logger.info("HTTP session opened", { session: id, sessions: this.live.size, user: owner });
      },
      onsessionclosed: () => {
        if (session) session.closeReason = "deleted by client";
      },
    });
    const server = this.opts.createServer(deps);
    session = {
      id: "",
      transport,
      server,
      inFlight: 0,
      lastUsed: Date.now(),
      timer: undefined,
      closed: false,
      closeReason: undefined,
      owner,
    };
    const created = session;
    transport.onclose = () => void this.close(created, created.closeReason ?? "transport closed");
    transport.onerror = (err) => logger.debug("HTTP transport error", { error: err.message });
    await server.connect(transport);
    this.begin(created);
    res.once("close", () => this.end(created));
    await transport.handleRequest(req, res, body);
    if (transport.sessionId === undefined) await this.close(created, "initialization failed");
  }

  /** Marks a POST in flight: an active session is never idle. */
  begin(session: HttpSession): void {
    session.inFlight++;
    session.lastUsed = Date.now();
    if (session.timer) clearTimeout(session.timer);
    session.timer = undefined;
  }

  /** Marks a POST finished; the idle clock starts when none is left. */
  end(session: HttpSession): void {
    session.inFlight = Math.max(0, session.inFlight - 1);
    this.armIdle(session);
  }

  /** Closes a session once: transport, server, and its per-session state in deps.sessions. */
  async close(session: HttpSession, reason: string): Promise<void> {
    if (session.closed) return;
    session.closed = true;
    if (session.timer) clearTimeout(session.timer);
    session.timer = undefined;
    if (session.id) {
      this.live.delete(session.id);
      this.opts.deps.sessions.delete(session.id);
      this.opts.logger.info("HTTP session closed", {
        session: session.id,
        reason,
        sessions: this.live.size,
      });
    }
    await session.server.close().catch((err: unknown) => {
      this.opts.logger.debug("closing an MCP session failed", { error: String(err) });
    });
  }

  /** Closes every session (shutdown). */
  async closeAll(reason: string): Promise<void> {
    await Promise.all([...this.live.values()].map((s) => this.close(s, reason)));
  }

  private armIdle(session: HttpSession): void {
    if (session.closed || !session.id || session.inFlight > 0 || session.timer) return;
    const delay = Math.min(Math.max(1, this.opts.idleTimeoutMs), MAX_TIMER_MS);
    session.timer = setTimeout(() => void this.close(session, "idle timeout"), delay);
    session.timer.unref();
  }
}
