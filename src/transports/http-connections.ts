// Connection accounting for the HTTP transport: a total cap, a per-remote-address cap, and eviction of idle
// connections at the cap, so clients hoarding idle sockets cannot lock out a client with real requests.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "../log.js";

/** Why: the limits, from http_max_connections and http_max_connections_per_client. */
export interface ConnectionLimits {
  maxConnections: number;
  maxPerClient: number;
}

/** Why: defaults shared by the schema-less callers (tests, library use). */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { maxConnections: 512, maxPerClient: 64 };

interface Tracked {
  socket: Socket;
  client: string;
  busy: number;
  since: number;
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
  // The longest-idle connection that has no request in progress (one that never sent a request counts).
  const oldestIdle = (): Tracked | undefined => {
    let pick: Tracked | undefined;
    for (const t of open.values()) if (t.busy === 0 && (!pick || t.since < pick.since)) pick = t;
    return pick;
  };

  server.on("connection", (socket: Socket) => {
    const client = socket.remoteAddress ?? "unknown";
    if ((perClient.get(client) ?? 0) >= limits.maxPerClient) {
      stats.refused++;
      logger.debug("HTTP connection refused: per-client limit", { client, limit: limits.maxPerClient });
      socket.destroy();
      return;
    }
    if (open.size >= limits.maxConnections) {
      const idle = oldestIdle();
      if (!idle) {
        stats.refused++;
        logger.warn("HTTP connection refused: connection limit", { limit: limits.maxConnections });
        socket.destroy();
        return;
      }
      stats.evicted++;
      forget(idle);
      idle.socket.destroy();
    }
    const t: Tracked = { socket, client, busy: 0, since: Date.now() };
    open.set(socket, t);
    perClient.set(client, (perClient.get(client) ?? 0) + 1);
    socket.once("close", () => forget(t));
  });

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const t = open.get(req.socket);
    if (!t) return;
    t.busy++;
    res.once("close", () => {
      t.busy--;
      t.since = Date.now();
    });
  });

  return () => ({ open: open.size, ...stats });
}
