// Classifies everything that can go wrong talking to a cluster into a few kinds an agent can act on, and says for
// a write whether it can have reached the API server (so an agent knows whether the change was made).
import type { IncomingHttpHeaders } from "node:http";
import type { Stage } from "../util/http-request.js";
import { CONNECT_CODES, errorCode, isTlsCode } from "../util/net-errors.js";

/** Why: clusters_status and error messages need the same small vocabulary. */
export type KubeErrorKind =
  | "http"
  | "unauthorized"
  | "forbidden"
  | "not-found"
  | "unreachable"
  | "tls"
  | "timeout"
  | "cancelled"
  | "kubeconfig"
  /** The connection dropped after the request went out, before the answer was complete. */
  | "lost"
  /** An answer arrived but is not what it claims: cut off, or not valid JSON. */
  | "malformed"
  /** The status and headers arrived, then the body stopped coming. */
  | "stalled";

/**
 * Why: what a failed write did to the cluster. not-applied: refused before anything was sent, or the API server
 * answered with a refusal; applied: the API server answered 2xx but the answer was lost; unknown: the request went
 * out and no definite answer came back.
 */
export type WriteEffect = "not-applied" | "applied" | "unknown";

/**
 * Why: who a refused request was sent as, when not the kubeconfig's own identity (a 401/403 then concerns that
 * user, not the kubeconfig). Plain facts, never a credential: "impersonate" is the kubeconfig's credential with
 * Impersonate-User/-Group headers; "bearer" is the user's own token with none of the kubeconfig's credentials.
 */
export type ActingAs =
  | { kind: "impersonate"; user: string; groups: readonly string[] }
  | { kind: "bearer"; user: string };

/** Why: extra facts some failures carry (the write's effect, a throttled answer's Retry-After, a better hint). */
export interface KubeErrorDetails {
  effect?: WriteEffect;
  /** The message before the effect was added (a read-back replaces the effect's sentence). */
  plain?: string;
  retryAfterSeconds?: number;
  hint?: string;
  actingAs?: ActingAs;
}

/** Why: one error type for every failed cluster call, carrying what failed and why. */
export class KubeError extends Error {
  override readonly name = "KubeError";
  readonly effect?: WriteEffect;
  readonly plain: string;
  readonly retryAfterSeconds?: number;
  /** Replaces the kind's generic "Try:" when the failure knows better (unknown outcome, Retry-After). */
  readonly hint?: string;
  /** Set on an API answer to a request sent as someone else (impersonated, or with the user's own token). */
  readonly actingAs?: ActingAs;
  constructor(
    readonly kind: KubeErrorKind,
    message: string,
    readonly status?: number,
    readonly reason?: string,
    details: KubeErrorDetails = {},
  ) {
    super(message);
    this.effect = details.effect;
    this.plain = details.plain ?? message;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.hint = details.hint;
    this.actingAs = details.actingAs;
  }
}

/** Why: how far one request got; decides whether a failed write can have changed anything. */
export type { Stage };

/** Why: only these methods change the cluster; a failed GET never leaves anything behind. */
export function isWriteMethod(method: string | undefined): boolean {
  return method !== undefined && method !== "GET";
}

// A 5xx that may come after the change was stored: a gateway or the apiserver's own timeout (504 "may still be
// processing"), or an internal error. Any other refusal (4xx, 503) is made before the change is stored.
const MAYBE_STORED = new Set([500, 502, 504]);

/** Why: the one rule for what a failed write did, from how far it got and what status came back. */
export function writeEffect(
  method: string | undefined,
  stage: Stage,
  status?: number,
): WriteEffect | undefined {
  if (!isWriteMethod(method)) return undefined;
  if (stage === "connecting") return "not-applied";
  if (stage === "sent" || status === undefined) return "unknown";
  if (status >= 200 && status < 300) return "applied";
  return MAYBE_STORED.has(status) ? "unknown" : "not-applied";
}

/** Why: the sentence and the hint each effect adds, so every write failure says the same thing the same way. */
export const EFFECT_TEXT: Record<WriteEffect, { says: string; hint?: string }> = {
  "not-applied": { says: "nothing was changed" },
  applied: {
    says: "the API server accepted the change, so it was made; only its answer was lost",
    hint: "read the object (resources_get) to see it; do not repeat the change",
  },
  unknown: {
    says: "outcome unknown: the change may have been made",
    hint: "read the object (resources_get) before retrying",
  },
};

/** Why: a failure of a write gets its effect named in the message and its hint; reads pass through. */
export function withEffect(err: KubeError, effect: WriteEffect | undefined): KubeError {
  if (!effect || err.effect) return err;
  const { says, hint } = EFFECT_TEXT[effect];
  return new KubeError(err.kind, `${err.message}; ${says}`, err.status, err.reason, {
    effect,
    plain: err.message,
    retryAfterSeconds: err.retryAfterSeconds,
    hint: hint ?? err.hint,
    actingAs: err.actingAs,
  });
}

// undici's own failures (client-node 2.x and fetch use undici): connection-level codes, and its timeouts.
const UNDICI_NET_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_SOCKET", "UND_ERR_CLOSED"]);
const UNDICI_TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

interface NetErrorShape {
  code?: string;
  message?: string;
  name?: string;
  cause?: unknown;
}

// fetch wraps the real failure: `TypeError: fetch failed` whose `cause` is the socket, TLS or undici error.
function innermost(err: unknown): NetErrorShape {
  let e = (err ?? {}) as NetErrorShape;
  for (let i = 0; i < 5 && !e.code && e.cause && typeof e.cause === "object"; i++)
    e = e.cause as NetErrorShape;
  return e;
}

/** Why: a one-line reason for an error that may wrap another (fetch's "fetch failed" names only its cause). */
export function describeFailure(err: unknown): string {
  const top = (err as NetErrorShape | undefined)?.message?.split("\n")[0] ?? String(err);
  const inner = innermost(err);
  if (inner === err || !(inner.code || inner.message)) return top;
  return `${top} (${[inner.code, inner.message?.split("\n")[0]].filter(Boolean).join(": ")})`;
}

/**
 * Why: node's socket/TLS errors (and undici's, unwrapped from fetch) become a kind plus a short human sentence.
 * `stage` tells a connection that never came up (nothing sent) from one lost after the request went out.
 */
export function fromNetworkError(err: unknown, server: string, stage: Stage = "connecting"): KubeError {
  if (err instanceof KubeError) return err;
  const outer = err as NetErrorShape;
  if (outer?.name === "AbortError") return new KubeError("cancelled", "request cancelled");
  const e = innermost(err);
  const code = errorCode(e);
  if (e.name === "AbortError" || code === "ABORT_ERR" || code === "UND_ERR_ABORTED")
    return new KubeError("cancelled", "request cancelled");
  if (UNDICI_TIMEOUT_CODES.has(code))
    return new KubeError("timeout", `request to ${server} timed out waiting for the API server (${code})`);
  if (isTlsCode(code) || /certificate|tls|ssl/i.test(e.message ?? "")) {
    return new KubeError("tls", `TLS error talking to ${server}: ${code || e.message}`);
  }
  if (stage !== "connecting")
    return new KubeError(
      "lost",
      `the connection to ${server} was lost after the request was sent, before an answer came (${code || e.message || String(err)})`,
    );
  if (CONNECT_CODES.has(code) || UNDICI_NET_CODES.has(code))
    return new KubeError("unreachable", `cannot connect to ${server}: ${code}`);
  return new KubeError("unreachable", `request to ${server} failed: ${code || e.message || String(err)}`);
}

interface StatusBody {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
}

function parseStatus(body: string): StatusBody | undefined {
  try {
    const v: unknown = JSON.parse(body);
    return v && typeof v === "object" ? (v as StatusBody) : undefined;
  } catch {
    return undefined;
  }
}

/** Why: Retry-After is delta-seconds or an HTTP date; either becomes whole seconds from now. */
export function retryAfterSeconds(
  value: string | string[] | undefined,
  now = Date.now(),
): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * Why: a non-2xx API response becomes "403 Forbidden: <the API's own message>", never a header dump. `actingAs`:
 * who the request was sent as, when not the kubeconfig's identity (the hint for a 401/403 depends on it).
 */
export function fromResponse(
  status: number,
  body: string,
  headers: IncomingHttpHeaders = {},
  actingAs?: ActingAs,
): KubeError {
  const s = parseStatus(body);
  const reason =
    s?.reason ??
    (status === 401
      ? "Unauthorized"
      : status === 403
        ? "Forbidden"
        : status === 404
          ? "NotFound"
          : status === 429
            ? "TooManyRequests"
            : undefined);
  const detail = (s?.message ?? body.slice(0, 300)).trim();
  const retry = status === 429 || status === 503 ? retryAfterSeconds(headers["retry-after"]) : undefined;
  const wait = retry === undefined ? "" : ` (Retry-After: ${retry} s)`;
  const message = `${status}${reason ? ` ${reason}` : ""}${detail && detail !== reason ? `: ${detail}` : ""}${wait}`;
  const kind =
    status === 401 ? "unauthorized" : status === 403 ? "forbidden" : status === 404 ? "not-found" : "http";
  const hint =
    retry === undefined
      ? undefined
      : `the API server is throttling; wait ${retry} second${retry === 1 ? "" : "s"} (its Retry-After), then retry`;
  return new KubeError(kind, message, status, reason, { retryAfterSeconds: retry, hint, actingAs });
}

/** Why: a 2xx body that is not JSON is named as such (with whether the write happened), never a parser message. */
export function parseJson<T>(
  res: { status: number; body: string },
  method: string | undefined,
  server: string,
): T {
  try {
    return JSON.parse(res.body) as T;
  } catch (err) {
    const why = (err as Error).message.split("\n")[0];
    const e = new KubeError(
      "malformed",
      `the response from ${server} (status ${res.status}, ${Buffer.byteLength(res.body)} bytes) is not valid JSON (${why})`,
      res.status,
    );
    throw withEffect(e, writeEffect(method, "answered", res.status));
  }
}
