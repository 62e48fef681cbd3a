// Connection accounting for the HTTP transport: a total cap, a per-remote-address cap, eviction of idle
// connections at either cap, and a deadline for the first request, so clients hoarding idle sockets cannot
// exhaust descriptors or lock out a client with real requests.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "../log.js";

/** Why: the limits, from http_max_connections and http_max_connections_per_client. */
export interface ConnectionLimits {
  maxConnections: number;
  maxPerClient: number;
  /** A connection without a complete request by then is closed (Node only times out requests it has begun). */
  firstRequestMs?: number;
}

/**
 * Why: defaults for the schema-less callers (tests, library use), equal to the config schema's. Per client: an MCP
 * client holds one event stream per session and pools its POSTs, so 50 sessions from one address (a gateway, a
 * proxy) use ~100 connections; at 64, idle ones were being evicted while the client reused them.
 */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { maxConnections: 512, maxPerClient: 256 };

interface Tracked {
  socket: Socket;
  client: string;
  busy: number;
  since: number;
  served: boolean;
}

/** Why: the live figures, for logs and tests. */
export interface ConnectionStats {
  open: number;
  refused: number;
  evicted: number;
}

/** Why: attaches the accounting to a node:http server; returns live figures. */
export function limitConnections(
  server: Server,
  limits: ConnectionLimits,
  logger: Logger,
): () => ConnectionStats {
  const open = new Map<Socket, Tracked>();
  const perClient = new Map<string, number>();
  const stats = { refused: 0, evicted: 0 };

  const forget = (t: Tracked): void => {
    if (!open.delete(t.socket)) return;
    const n = (perClient.get(t.client) ?? 1) - 1;
    if (n > 0) perClient.set(t.client, n);
    else perClient.delete(t.client);
  };
  // The longest-idle connection (of one client, or of all) with no request in progress.
  const oldestIdle = (client?: string): Tracked | undefined => {
    let pick: Tracked | undefined;
    for (const t of open.values())
      if (t.busy === 0 && (client === undefined || t.client === client) && (!pick || t.since < pick.since))
        pick = t;
    return pick;
  };
  // At a limit, an idle connection makes room; only when every connection is busy is the new one refused.
  const makeRoom = (socket: Socket, limit: string, client?: string): boolean => {
    const idle = oldestIdle(client);
    if (!idle) {
      stats.refused++;
      logger.warn(`HTTP connection refused: ${limit} reached and every connection is busy`, { client });
      socket.destroy();
      return false;
    }
    stats.evicted++;
    forget(idle);
    idle.socket.destroy();
    return true;
  };

  server.on("connection", (socket: Socket) => {
    const client = socket.remoteAddress ?? "unknown";
    if ((perClient.get(client) ?? 0) >= limits.maxPerClient)
      if (!makeRoom(socket, "http_max_connections_per_client", client)) return;
    if (open.size >= limits.maxConnections) if (!makeRoom(socket, "http_max_connections")) return;
    const t: Tracked = { socket, client, busy: 0, since: Date.now(), served: false };
    open.set(socket, t);
    perClient.set(client, (perClient.get(client) ?? 0) + 1);
    // Node's headersTimeout starts with the first byte; a socket that never sends one would be held forever.
    const silent = limits.firstRequestMs
      ? setTimeout(() => {
          if (t.busy === 0 && !t.served) socket.destroy();
        }, limits.firstRequestMs)
      : undefined;
    silent?.unref();
    socket.once("close", () => {
      clearTimeout(silent);
      forget(t);
    });
  });

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const t = open.get(req.socket);
    if (!t) return;
    t.busy++;
    t.served = true;
    res.once("close", () => {
      t.busy--;
      t.since = Date.now();
    });
  });

  return () => ({ open: open.size, ...stats });
}
