// HTTPS GETs to the authorization server (discovery, JWKS): bounded in time and size, trusting ca_file if set.
import { HttpFailure, httpExchange } from "../util/http-request.js";

/** Why: discovery and JWKS documents are small; anything larger is refused rather than buffered. */
export const MAX_ISSUER_DOCUMENT_BYTES = 512 * 1024;

/** Why: what both issuer fetches need: extra trust, a deadline, a cancellation signal. */
export interface IssuerFetchOptions {
  ca?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

// The exchange's failure as the plain Error the verifier reports (a cancellation keeps its signal's reason).
function issuerFailure(f: HttpFailure, u: URL, timeoutMs: number): unknown {
  switch (f.kind) {
    case "too-large":
      return new Error(`${u.origin}${u.pathname} answered more than ${MAX_ISSUER_DOCUMENT_BYTES} bytes`);
    case "timeout":
      return new Error(`${u.origin} did not answer within ${timeoutMs} ms`);
    case "cancelled":
      return f.cause instanceof Error ? f.cause : new Error(`request to ${u.origin} cancelled`);
    default:
      return f.cause ?? new Error(`${u.origin} ended its answer early`);
  }
}

/** Why: one GET returning status, content type and text; every failure is an Error naming the URL. */
export async function issuerGet(
  url: string,
  opts: IssuerFetchOptions,
): Promise<{ status: number; type: string; body: string }> {
  const u = new URL(url);
  if (u.protocol !== "https:") throw new Error(`${u.origin} is not https`);
  const res = await httpExchange({
    url: u,
    method: "GET",
    headers: { accept: "application/json" },
    tls: { ca: opts.ca },
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
    maxBytes: MAX_ISSUER_DOCUMENT_BYTES,
  }).catch((err: unknown) => {
    throw err instanceof HttpFailure ? issuerFailure(err, u, opts.timeoutMs) : err;
  });
  return { status: res.status, type: String(res.headers["content-type"] ?? ""), body: res.body };
}

/** Why: jose's JWKS loader fetches through this, so ca_file and the deadline apply to key refreshes too. */
export function joseFetch(opts: Omit<IssuerFetchOptions, "signal">) {
  return async (url: string, init: { signal?: AbortSignal }): Promise<Response> => {
    const res = await issuerGet(url, { ...opts, signal: init.signal });
    return new Response(res.body, { status: res.status, headers: { "content-type": res.type } });
  };
}
