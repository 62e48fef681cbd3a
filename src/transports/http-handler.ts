// Routes one HTTP request: /healthz and /readyz, then /mcp through Host/Origin checks, auth, body checks and sessions.
import type { IncomingMessage, ServerResponse } from "node:http";
import { isInitializeRequest } from "@modelcontextprotocol/server";
import { type Identity, runAsCaller } from "../auth/identity.js";
import type { ResourceServer } from "../auth/resource-server.js";
import type { Logger } from "../log.js";
import { jsonContentProblem, readJsonBody } from "./http-body.js";
import type { InFlightRequests } from "./http-drain.js";
import { bearerMatches, type HostPolicy, hostOriginProblem } from "./http-guard.js";
import { RPC, replyRpcError, replyText } from "./http-reply.js";
import type { HttpSession, HttpSessionRegistry } from "./http-sessions.js";
import type { StatelessLane } from "./http-stateless.js";
import { checkJsonRpc } from "./jsonrpc-check.js";

/** Why: everything the router consults; the host policy is read per request because port 0 resolves late. */
export interface HandlerContext {
  sessions: HttpSessionRegistry;
  /** 2026-07-28 requests, and 2025-era ones when http_legacy = "stateless". */
  stateless: StatelessLane;
  inFlight: InFlightRequests;
  logger: Logger;
  token: string | undefined;
  hostPolicy: () => HostPolicy;
  maxBodyBytes: number;
  maxSessions: number;
  /** [team] Sessions one signed-in user may hold at once (their least recently used idle one makes room). */
  maxSessionsPerUser: number;
  isClosing: () => boolean;
  /** [team] Set when [oauth] is configured: metadata, token checks, scopes (src/auth/resource-server.ts). */
  auth?: ResourceServer;
}

/** Why: the path the MCP endpoint is served at. */
export const MCP_PATH = "/mcp";

function pathOf(req: IncomingMessage): string | undefined {
  try {
    return new URL(req.url ?? "/", "http://localhost").pathname;
  } catch {
    return undefined;
  }
}

function sessionHeader(req: IncomingMessage): string | undefined {
  const value = req.headers["mcp-session-id"];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function lookup(
  ctx: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  caller: Identity | undefined,
): HttpSession | undefined {
  const id = sessionHeader(req);
  if (id === undefined) {
    replyRpcError(res, 400, RPC.serverError, "Bad Request: Mcp-Session-Id header is required");
    return undefined;
  }
  const session = ctx.sessions.get(id);
  // [team] A session belongs to the user who opened it: to anyone else it does not exist.
  if (session && session.owner !== caller?.user) {
    ctx.logger.warn("HTTP session refused: opened by another user", { user: caller?.user });
    replyRpcError(res, 404, RPC.sessionNotFound, "Session not found");
    return undefined;
  }
  if (!session) replyRpcError(res, 404, RPC.sessionNotFound, "Session not found");
  return session;
}

async function handlePost(
  ctx: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  caller: Identity | undefined,
): Promise<void> {
  ctx.inFlight.track(res);
  const typeProblem = jsonContentProblem(req);
  if (typeProblem) {
    req.resume();
    replyRpcError(res, 415, RPC.serverError, typeProblem);
    return;
  }
  const body = await readJsonBody(req, ctx.maxBodyBytes);
  if (!body.ok) {
    if (body.aborted) res.destroy();
    else
      replyRpcError(
        res,
        body.status,
        body.code,
        body.message,
        body.status === 413 ? { connection: "close" } : {},
      );
    return;
  }
  const checked = checkJsonRpc(body.value);
  if (!checked.ok) {
    const { code, message, id } = checked.rejection;
    ctx.logger.warn("JSON-RPC message refused", { code, reason: message });
    replyRpcError(res, 400, code, message, {}, id);
    return;
  }
  // [team] A tools/call needing a scope the token lacks is refused (403) before anything runs.
  if (caller && ctx.auth?.refuseScope(req, res, caller, body.value)) return;
  // The stateless lane (2026-07-28, or 2025 with http_legacy = "stateless") runs as the caller too.
  if (await runAsCaller(caller, () => ctx.stateless(req, res, body.value))) return;
  if (sessionHeader(req) === undefined && isInitializeRequest(body.value)) {
    if (ctx.sessions.size >= ctx.maxSessions) {
      ctx.logger.warn("HTTP session refused: too many sessions", { limit: ctx.maxSessions });
      replyRpcError(res, 503, RPC.serverError, "Service Unavailable: too many sessions; retry later", {
        "retry-after": "5",
      });
      return;
    }
    if (caller && !(await ctx.sessions.makeRoomFor(caller.user, ctx.maxSessionsPerUser))) {
      ctx.logger.warn("HTTP session refused: the user's sessions are all busy", {
        user: caller.user,
        limit: ctx.maxSessionsPerUser,
      });
      replyRpcError(
        res,
        429,
        RPC.serverError,
        `Too many sessions for this user: all ${ctx.maxSessionsPerUser} are busy; close one (DELETE) or retry later`,
        { "retry-after": "5" },
      );
      return;
    }
    await runAsCaller(caller, () => ctx.sessions.open(req, res, body.value, caller?.user));
    return;
  }
  const session = lookup(ctx, req, res, caller);
  if (!session) return;
  ctx.sessions.begin(session);
  res.once("close", () => ctx.sessions.end(session));
  await runAsCaller(caller, () => session.transport.handleRequest(req, res, body.value));
}

async function handleMcp(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const problem = hostOriginProblem(req.headers, ctx.hostPolicy());
  if (problem) {
    ctx.logger.warn("HTTP request refused", { reason: problem, host: req.headers.host });
    replyRpcError(res, 403, RPC.serverError, `Forbidden: ${problem}`);
    return;
  }
  // [team] With [oauth], the caller is whoever the token says; without it, the static http_token (if any).
  const caller = ctx.auth ? await ctx.auth.authenticate(req, res) : undefined;
  if (ctx.auth && !caller) return;
  if (ctx.token !== undefined && !bearerMatches(req.headers.authorization, ctx.token)) {
    const presented = req.headers.authorization !== undefined;
    const challenge = presented ? 'Bearer realm="k8s-mcp", error="invalid_token"' : 'Bearer realm="k8s-mcp"';
    replyRpcError(res, 401, RPC.serverError, "Unauthorized: a valid bearer token is required", {
      "www-authenticate": challenge,
    });
    return;
  }
  if (req.method === "POST") return handlePost(ctx, req, res, caller);
  if (req.method === "GET" || req.method === "DELETE") {
    const session = lookup(ctx, req, res, caller);
    if (session) await runAsCaller(caller, () => session.transport.handleRequest(req, res));
    return;
  }
  replyRpcError(res, 405, RPC.serverError, "Method Not Allowed", { allow: "GET, POST, DELETE" });
}

/** Why: the node:http request listener; everything it does is bounded and any failure becomes a 500. */
export function createRequestHandler(
  ctx: HandlerContext,
): (req: IncomingMessage, res: ServerResponse) => void {
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = pathOf(req);
    if (ctx.isClosing()) {
      req.resume();
      replyRpcError(res, 503, RPC.serverError, "Service Unavailable: server is shutting down", {
        connection: "close",
      });
      return;
    }
    // [team] RFC 9728 protected-resource metadata, public like /healthz.
    if (path !== undefined && ctx.auth?.serveMetadata(req, res, path)) return;
    // Liveness and readiness probes. The server listens only once its configuration and cluster names are loaded,
    // so an answer means ready; while shutting down both answer 503 above, taking the pod out of rotation.
    if (path === "/healthz" || path === "/readyz") {
      req.resume();
      if (req.method === "GET" || req.method === "HEAD") replyText(res, 200, "ok");
      else replyText(res, 405, "method not allowed", { allow: "GET, HEAD" });
      return;
    }
    if (path !== MCP_PATH) {
      req.resume();
      replyText(res, 404, `not found; the MCP endpoint is ${MCP_PATH}`);
      return;
    }
    await handleMcp(ctx, req, res);
  };
  return (req, res) => {
    const started = performance.now();
    res.once("finish", () =>
      ctx.logger.debug("HTTP request", {
        method: req.method,
        path: pathOf(req),
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      }),
    );
    route(req, res).catch((err: unknown) => {
      ctx.logger.error("HTTP request failed", { error: err instanceof Error ? err.message : String(err) });
      replyRpcError(res, 500, RPC.internalError, "Internal error");
    });
  };
}
