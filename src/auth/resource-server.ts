// The OAuth 2.1 resource server at the HTTP boundary: RFC 9728 metadata, bearer challenges, token checks, per-user
// rate limit and the up-front scope check of tools/call. Knows node:http, not the MCP SDK.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { OAuthConfig } from "../config/index.js";
import type { Logger } from "../log.js";
import type { Identity } from "./identity.js";
import { UserRateLimit } from "./rate-limit.js";
import { TokenRejected, TokenVerifier } from "./verifier.js";

const WELL_KNOWN = "/.well-known/oauth-protected-resource";

/** Why: everything the resource server needs; `scopeFor` maps a tools/call to its scope (undefined: unknown tool). */
export interface ResourceServerOptions {
  oauth: OAuthConfig;
  /** http_user_rate_limit: requests per minute per user on this replica (0: off). */
  perMinute: number;
  logger: Logger;
  scopeFor: (tool: string, args: Record<string, unknown>) => string | undefined;
  /** The MCP endpoint's path, for the path-suffixed metadata URL. */
  mcpPath: string;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(text);
}

function rpcError(message: string, id: unknown = null): unknown {
  return { jsonrpc: "2.0", id, error: { code: -32001, message } };
}

function quoted(text: string): string {
  return `"${text.replace(/["\\]/g, "")}"`;
}

// Every message of a POST body (one, or a legacy batch) that is a tools/call.
function toolCalls(body: unknown): { id: unknown; name: string; args: Record<string, unknown> }[] {
  const messages = Array.isArray(body) ? body : [body];
  const calls = [];
  for (const m of messages) {
    const msg = m as { method?: unknown; id?: unknown; params?: { name?: unknown; arguments?: unknown } };
    if (msg?.method !== "tools/call" || typeof msg.params?.name !== "string") continue;
    const args = msg.params.arguments;
    calls.push({
      id: msg.id,
      name: msg.params.name,
      args: typeof args === "object" && args !== null ? (args as Record<string, unknown>) : {},
    });
  }
  return calls;
}

/** Why: one per HTTP server; the transport calls it at three marked points and nowhere else. */
export class ResourceServer {
  readonly verifier: TokenVerifier;
  private readonly limit: UserRateLimit;
  private readonly metadataUrl: string | undefined;

  constructor(private readonly opts: ResourceServerOptions) {
    this.verifier = new TokenVerifier(opts.oauth);
    this.limit = new UserRateLimit(opts.perMinute);
    this.metadataUrl = this.urlFromAudience();
  }

  // RFC 9728: the well-known path inserted between the resource's origin and its path.
  private urlFromAudience(): string | undefined {
    try {
      const u = new URL(this.opts.oauth.audience);
      if (u.protocol !== "https:" && u.protocol !== "http:") return undefined;
      return `${u.origin}${WELL_KNOWN}${u.pathname === "/" ? "" : u.pathname}`;
    } catch {
      return undefined;
    }
  }

  private resourceMetadataUrl(req: IncomingMessage): string {
    return this.metadataUrl ?? `http://${req.headers.host ?? "localhost"}${WELL_KNOWN}${this.opts.mcpPath}`;
  }

  /** Answers GET /.well-known/oauth-protected-resource[/mcp]; false when the path is not one of them. */
  serveMetadata(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (path !== WELL_KNOWN && path !== `${WELL_KNOWN}${this.opts.mcpPath}`) return false;
    req.resume();
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(res, 405, { error: "method not allowed" }, { allow: "GET, HEAD" });
      return true;
    }
    const { oauth } = this.opts;
    send(
      res,
      200,
      {
        resource: oauth.audience,
        authorization_servers: [oauth.issuer],
        scopes_supported: [oauth.read_scope, oauth.write_scope],
        bearer_methods_supported: ["header"],
        resource_name: "k8s-mcp",
      },
      { "access-control-allow-origin": "*", "cache-control": "max-age=300" },
    );
    return true;
  }

  private challenge(req: IncomingMessage, extra = ""): string {
    return `Bearer resource_metadata=${quoted(this.resourceMetadataUrl(req))}${extra}`;
  }

  /** Authenticates one /mcp request: the caller, or undefined once a 400/401/429/503 has been sent. */
  async authenticate(req: IncomingMessage, res: ServerResponse): Promise<Identity | undefined> {
    const refuse = (status: number, why: string, extra: string, headers: Record<string, string> = {}) => {
      this.opts.logger.info("HTTP request refused", { status, reason: why });
      req.resume();
      send(res, status, rpcError(`${status === 401 ? "Unauthorized" : "Refused"}: ${why}`), {
        "www-authenticate": this.challenge(req, extra),
        ...headers,
      });
      return undefined;
    };
    if (/[?&]access_token=/.test(req.url ?? ""))
      return refuse(400, "tokens are accepted only in the Authorization header", ', error="invalid_request"');
    if (Object.keys(req.headers).some((h) => h.startsWith("impersonate-")))
      return refuse(400, "Impersonate-* headers are not accepted", ', error="invalid_request"');
    const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(req.headers.authorization ?? "");
    if (!match?.[1]) {
      const presented = req.headers.authorization !== undefined;
      return refuse(401, "a bearer token is required", presented ? ', error="invalid_request"' : "");
    }
    let identity: Identity;
    try {
      identity = await this.verifier.verify(match[1]);
    } catch (err) {
      const r = err instanceof TokenRejected ? err : new TokenRejected(String(err));
      if (r.status === 503) return refuse(503, r.message, "", { "retry-after": "10" });
      return refuse(401, r.message, `, error="invalid_token", error_description=${quoted(r.message)}`);
    }
    const wait = this.limit.take(identity.user);
    if (wait > 0) {
      this.opts.logger.warn("HTTP request refused: user rate limit", { user: identity.user });
      send(res, 429, rpcError("Too Many Requests: this user's request rate limit is reached"), {
        "retry-after": String(wait),
      });
      req.resume();
      return undefined;
    }
    return identity;
  }

  /** Sends 403 insufficient_scope when a tools/call in the body needs a scope the token lacks; true if sent. */
  refuseScope(req: IncomingMessage, res: ServerResponse, identity: Identity, body: unknown): boolean {
    for (const call of toolCalls(body)) {
      const scope = this.opts.scopeFor(call.name, call.args);
      if (scope === undefined || identity.has(scope)) continue;
      this.opts.logger.info("tool call refused: insufficient scope", {
        user: identity.user,
        tool: call.name,
        scope,
      });
      send(res, 403, rpcError(`Forbidden: ${call.name} needs the "${scope}" scope`, call.id ?? null), {
        "www-authenticate": this.challenge(req, `, error="insufficient_scope", scope=${quoted(scope)}`),
      });
      return true;
    }
    return false;
  }
}
