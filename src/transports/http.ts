// Streamable HTTP transport: node:http server at /mcp, one SDK transport + McpServer per MCP session.
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createResourceServer } from "../auth/index.js";
import { parseDuration } from "../config/index.js";
import type { Logger } from "../log.js";
import type { ServerDeps } from "../mcp/deps.js";
import { createServer } from "../mcp/server.js";
import {
  type ConnectionLimits,
  type ConnectionStats,
  DEFAULT_CONNECTION_LIMITS,
  limitConnections,
} from "./http-connections.js";
import { InFlightRequests } from "./http-drain.js";
import { type HostPolicy, isLoopbackHost } from "./http-guard.js";
import { createRequestHandler, MCP_PATH } from "./http-handler.js";
import { HttpSessionRegistry, type ServerFactory } from "./http-sessions.js";
import { type LegacyHttpMode, statelessLane } from "./http-stateless.js";

/** Why: how long shutdown waits for in-flight calls before closing sessions anyway. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/** Why: more sessions than this get 503 (a session costs one McpServer until DELETE or idle timeout). */
export const DEFAULT_MAX_SESSIONS = 10_000;

/** Why: with [oauth], one user may hold a hundredth of the sessions (at least one), so no user locks out the rest. */
export function sessionsPerUser(maxSessions: number): number {
  return Math.max(1, Math.floor(maxSessions / 100));
}

const CLIENT_ERROR_STATUS: Readonly<Record<string, string>> = {
  HPE_HEADER_OVERFLOW: "431 Request Header Fields Too Large",
  ERR_HTTP_REQUEST_TIMEOUT: "408 Request Timeout",
};

/** Why: everything serveHttp needs; the CLI fills it from the configuration, tests directly. */
export interface HttpServeOptions {
  deps: ServerDeps;
  host: string;
  port: number;
  token?: string;
  idleTimeoutMs: number;
  logger: Logger;
  /** Largest POST body; max_request_bytes of deps.config unless a test narrows it. */
  maxBodyBytes?: number;
  maxSessions?: number;
  shutdownGraceMs?: number;
  /** http_allowed_hosts: extra Host/Origin names accepted (required for DNS-rebinding protection off loopback). */
  allowedHosts?: readonly string[];
  /** How 2025-era clients are served; 2026-07-28 requests are always stateless. Default: sessions. */
  legacy?: LegacyHttpMode;
  /** Builds each session's McpServer; defaults to createServer. */
  createServer?: ServerFactory;
  /** http_max_connections / http_max_connections_per_client. */
  connectionLimits?: ConnectionLimits;
  /** http_headers_timeout, http_request_timeout, http_keep_alive_timeout (ms). */
  timeouts?: HttpTimeouts;
}

/** Why: how long a connection may take to send headers and a body, and stay idle between requests. */
export interface HttpTimeouts {
  headersMs: number;
  requestMs: number;
  keepAliveMs: number;
}

/** Why: short defaults, so idle or slow sockets cannot pile up (Node's own are 60 s and 300 s). */
export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = {
  headersMs: 10_000,
  requestMs: 60_000,
  keepAliveMs: 5_000,
};

// Node checks header/request deadlines on an interval (30 s by default); check often enough to honour them.
function serverOptions(t: HttpTimeouts) {
  const requestTimeout = Math.max(t.requestMs, t.headersMs);
  return {
    headersTimeout: t.headersMs,
    requestTimeout,
    keepAliveTimeout: t.keepAliveMs,
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(t.headersMs / 4))),
  };
}

/** Why: a running server: where it listens, how many sessions it holds, and how to stop it. */
export interface HttpServerHandle {
  /** The MCP endpoint, e.g. http://127.0.0.1:8080/mcp. */
  readonly url: string;
  readonly port: number;
  /** Open MCP sessions. */
  sessionCount(): number;
  /** Open, refused and evicted connections. */
  connections(): ConnectionStats;
  /** Stops accepting, waits (bounded) for in-flight calls, closes sessions; a second call skips the wait. */
  close(): Promise<void>;
  /** Resolves once the server has fully stopped. */
  readonly closed: Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once("error", onError);
    server.listen({ host, port }, () => {
      server.off("error", onError);
      const address = server.address();
      if (address === null || typeof address === "string")
        reject(new Error("HTTP server has no TCP address"));
      else resolve(address);
    });
  });
}

function endpointUrl(address: AddressInfo): string {
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}${MCP_PATH}`;
}

function warnIfExposed(opts: HttpServeOptions): void {
  if (isLoopbackHost(opts.host)) return;
  if (opts.token === undefined && !opts.deps.config.oauth) {
    opts.logger.warn(
      `!!! HTTP server bound to ${opts.host} WITHOUT authentication: anyone who can reach this port can use ` +
        "every cluster this server knows. Set --http-token / K8S_MCP_HTTP_TOKEN / http_token, or bind to 127.0.0.1.",
    );
  } else {
    opts.logger.info(
      opts.allowedHosts?.length
        ? `HTTP server bound beyond loopback: Host must be one of ${opts.allowedHosts.join(", ")}; the bearer token is required`
        : "HTTP server bound beyond loopback: Host is not restricted (set http_allowed_hosts); the bearer token is required",
    );
  }
}

/** Why: starts the HTTP transport and returns once it listens (port 0 picks a free port). */
export async function serveHttp(opts: HttpServeOptions): Promise<HttpServerHandle> {
  const { logger } = opts;
  if (opts.token === "") throw new Error("http_token is set but empty: unset it, or set a real token");
  // [team] [oauth] makes this an OAuth 2.1 resource server (src/auth/); http_token is then refused at start-up.
  const auth = createResourceServer(opts.deps, MCP_PATH);
  const sessions = new HttpSessionRegistry({
    deps: opts.deps,
    logger,
    idleTimeoutMs: opts.idleTimeoutMs,
    createServer: opts.createServer ?? createServer,
  });
  const factory = opts.createServer ?? createServer;
  const stateless = statelessLane(
    () => factory(opts.deps, { stateless: true }),
    opts.legacy ?? "sessions",
    logger,
  );
  const inFlight = new InFlightRequests();
  let closing = false;
  const policy: HostPolicy = {
    strictHosts: isLoopbackHost(opts.host),
    port: opts.port,
    allowedHosts: opts.allowedHosts ?? [],
  };
  const server = createHttpServer(
    serverOptions(opts.timeouts ?? DEFAULT_HTTP_TIMEOUTS),
    createRequestHandler({
      sessions,
      stateless,
      inFlight,
      logger,
      token: opts.token,
      hostPolicy: () => policy,
      maxBodyBytes: opts.maxBodyBytes ?? opts.deps.config.max_request_bytes,
      maxSessions: opts.maxSessions ?? DEFAULT_MAX_SESSIONS,
      maxSessionsPerUser: sessionsPerUser(opts.maxSessions ?? DEFAULT_MAX_SESSIONS),
      isClosing: () => closing,
      auth,
    }),
  );
  const timeouts = opts.timeouts ?? DEFAULT_HTTP_TIMEOUTS;
  const connections = limitConnections(
    server,
    { ...(opts.connectionLimits ?? DEFAULT_CONNECTION_LIMITS), firstRequestMs: timeouts.headersMs },
    logger,
  );
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    logger.debug("HTTP client error", { error: err.message, code: err.code });
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(
      `HTTP/1.1 ${CLIENT_ERROR_STATUS[err.code ?? ""] ?? "400 Bad Request"}\r\nconnection: close\r\n\r\n`,
    );
  });
  const address = await listen(server, opts.host, opts.port);
  policy.port = address.port;
  const url = endpointUrl(address);
  warnIfExposed(opts);
  logger.info(`serving MCP on ${url}`, {
    auth: auth ? "oauth" : opts.token ? "bearer" : "none",
    cluster_auth: opts.deps.config.cluster_auth,
  });

  const skipWait = new AbortController();
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  let closeRun: Promise<void> | undefined;
  const shutdown = async (): Promise<void> => {
    closing = true;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const grace = opts.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
    if (inFlight.size > 0) logger.info("waiting for in-flight requests", { count: inFlight.size });
    if (!(await inFlight.drained(grace, skipWait.signal))) {
      logger.warn("in-flight requests did not finish in time; closing them", { count: inFlight.size });
    }
    await sessions.closeAll("server shutdown");
    server.closeAllConnections();
    await stopped;
    logger.info("HTTP server stopped");
    resolveClosed();
  };
  return {
    url,
    port: address.port,
    sessionCount: () => sessions.size,
    connections,
    close: () => {
      if (closeRun) skipWait.abort();
      else closeRun = shutdown();
      return closeRun;
    },
    closed,
  };
}

/** Why: the CLI's HTTP mode: serve until SIGTERM/SIGINT (a second signal stops waiting), then resolve. */
export async function runHttp(deps: ServerDeps, logger: Logger): Promise<void> {
  const { config } = deps;
  const handle = await serveHttp({
    deps,
    logger,
    host: config.host,
    port: config.port ?? 0,
    token: config.http_token,
    idleTimeoutMs: parseDuration(config.session_idle_timeout),
    legacy: config.http_legacy,
    allowedHosts: config.http_allowed_hosts,
    connectionLimits: {
      maxConnections: config.http_max_connections,
      maxPerClient: config.http_max_connections_per_client,
    },
    timeouts: {
      headersMs: parseDuration(config.http_headers_timeout),
      requestMs: parseDuration(config.http_request_timeout),
      keepAliveMs: parseDuration(config.http_keep_alive_timeout),
    },
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    logger.info("shutting down", { reason: signal });
    void handle.close();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  try {
    await handle.closed;
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  }
}
