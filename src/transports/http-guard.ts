// Request guards for the HTTP transport: Host/Origin checks against DNS rebinding, and bearer-token auth.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { isIP } from "node:net";

const LOOPBACK_NAMES: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Why: loopback binding gets strict Host checks; any other binding needs a token (and a warning). */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost" || h === "::1") return true;
  return isIP(h) === 4 && h.startsWith("127.");
}

/** Why: what the Host/Origin check compares against; `strictHosts` is false when bound beyond loopback. */
export interface HostPolicy {
  strictHosts: boolean;
  port: number;
  /** http_allowed_hosts: names accepted in Host/Origin on any port (e.g. behind a reverse proxy). */
  allowedHosts?: readonly string[];
}

interface Authority {
  hostname: string;
  port: number;
}

function parseAuthority(value: string, defaultPort: number): Authority | undefined {
  try {
    const url = new URL(`http://${value}`);
    if (url.username || url.password || url.pathname !== "/" || url.search || url.hash) return undefined;
    return { hostname: url.hostname.toLowerCase(), port: url.port ? Number(url.port) : defaultPort };
  } catch {
    return undefined;
  }
}

function isAllowedLoopback(a: Authority, policy: HostPolicy): boolean {
  return LOOPBACK_NAMES.has(a.hostname) && a.port === policy.port;
}

function isListed(a: Authority, policy: HostPolicy): boolean {
  return (policy.allowedHosts ?? []).some((h) => h.toLowerCase() === a.hostname);
}

// With a host list, only listed names (and, on loopback, the loopback names) are accepted.
function restricted(policy: HostPolicy): boolean {
  return policy.strictHosts || (policy.allowedHosts ?? []).length > 0;
}

function acceptable(a: Authority, policy: HostPolicy): boolean {
  return isListed(a, policy) || (policy.strictHosts && isAllowedLoopback(a, policy));
}

/** Why: a browser tricked by DNS rebinding sends a foreign Host or Origin; refuse it. Returns why, or undefined. */
export function hostOriginProblem(headers: IncomingHttpHeaders, policy: HostPolicy): string | undefined {
  const hostHeader = headers.host;
  if (!hostHeader) return "missing Host header";
  const host = parseAuthority(hostHeader, 80);
  if (!host) return "invalid Host header";
  if (restricted(policy) && !acceptable(host, policy)) return "Host header not allowed";
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  let originUrl: URL;
  try {
    originUrl = new URL(origin);
  } catch {
    return "invalid Origin header";
  }
  if (originUrl.protocol !== "http:" && originUrl.protocol !== "https:") return "Origin not allowed";
  const from = parseAuthority(originUrl.host, originUrl.protocol === "https:" ? 443 : 80);
  if (!from) return "invalid Origin header";
  const allowed = restricted(policy)
    ? acceptable(from, policy)
    : from.hostname === host.hostname && from.port === host.port;
  return allowed ? undefined : "Origin not allowed";
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** Why: constant-time comparison of `Authorization: Bearer <token>` (hashing equalises lengths). */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? "");
  const presented = match?.[1] ?? "";
  const same = timingSafeEqual(digest(presented), digest(token));
  return same && presented.length > 0;
}
