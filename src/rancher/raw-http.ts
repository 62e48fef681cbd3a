// One request to Rancher over the shared HTTP(S) exchange; its failures worded as RancherErrors.
import type { Agent as HttpAgent } from "node:http";
import { HttpFailure, httpExchange, MAX_RESPONSE_BYTES } from "../util/http-request.js";
import { errorCode, isTlsCode } from "../util/net-errors.js";
import { RancherError, tlsError } from "./errors.js";

/** Why: how a connection to Rancher is verified (system CAs, Rancher's CA, or not at all). */
export interface TlsTrust {
  ca?: string;
  rejectUnauthorized: boolean;
}

/** Why: a response with the status kept; bodies are small JSON documents. */
export interface RawResponse {
  status: number;
  body: string;
}

/** Why: everything one request needs; headers are never logged or put into errors. */
export interface RawRequest {
  method: "GET" | "POST";
  url: URL;
  headers?: Record<string, string>;
  agent?: HttpAgent;
  trust?: TlsTrust;
  signal: AbortSignal;
  timeoutMs: number;
  maxBytes?: number;
}

/** Why: turns a socket/TLS failure into a clear RancherError naming the URL (never headers). */
export function classifyNetworkError(err: unknown, origin: string): RancherError {
  if (err instanceof RancherError) return err;
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (isTlsCode(code)) {
    const e = tlsError(origin, code === "EPROTO" ? "TLS handshake failed" : code);
    e.code = code;
    return e;
  }
  const hint = "check rancher_url (RANCHER_URL), DNS, VPN or proxy";
  if (code) return new RancherError("unreachable", `cannot connect to Rancher at ${origin} (${code})`, hint);
  return new RancherError("unreachable", `request to Rancher at ${origin} failed: ${message}`, hint);
}

// The exchange's failure in Rancher's words (a timeout, a cancellation with its reason, an oversized answer).
function rancherFailure(f: HttpFailure, r: RawRequest, maxBytes: number): RancherError {
  const origin = r.url.origin;
  switch (f.kind) {
    case "timeout":
      return new RancherError(
        "timeout",
        `Rancher at ${origin} did not answer within ${Math.round(r.timeoutMs / 1000)}s`,
      );
    case "cancelled":
      return f.cause instanceof RancherError
        ? f.cause
        : new RancherError("cancelled", "request to Rancher cancelled");
    case "too-large":
      return new RancherError("invalid", `Rancher's answer exceeded ${maxBytes} bytes`);
    case "truncated":
      return classifyNetworkError(f.cause ?? new Error("the answer ended early"), origin);
    case "network":
      return classifyNetworkError(f.cause, origin);
  }
}

/** Why: the only way requests reach Rancher; every request ends by its deadline or the signal. */
export async function rawRequest(r: RawRequest): Promise<RawResponse> {
  const maxBytes = r.maxBytes ?? MAX_RESPONSE_BYTES;
  const res = await httpExchange({
    url: r.url,
    method: r.method,
    headers: { Accept: "application/json", ...r.headers },
    agent: r.agent,
    tls: r.trust,
    signal: r.signal,
    timeoutMs: r.timeoutMs,
    maxBytes,
  }).catch((err: unknown) => {
    throw err instanceof HttpFailure ? rancherFailure(err, r, maxBytes) : err;
  });
  return { status: res.status, body: res.body };
}
