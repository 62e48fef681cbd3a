// HTTPS GETs to the authorization server (discovery, JWKS): bounded in time and size, trusting ca_file if set.
import { request } from "node:https";

/** Why: discovery and JWKS documents are small; anything larger is refused rather than buffered. */
export const MAX_ISSUER_DOCUMENT_BYTES = 512 * 1024;

/** Why: what both issuer fetches need: extra trust, a deadline, a cancellation signal. */
export interface IssuerFetchOptions {
  ca?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Why: one GET returning status, content type and text; every failure is an Error naming the URL. */
export function issuerGet(
  url: string,
  opts: IssuerFetchOptions,
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    if (u.protocol !== "https:") {
      reject(new Error(`${u.origin} is not https`));
      return;
    }
    const req = request(
      u,
      { method: "GET", ca: opts.ca, headers: { accept: "application/json" }, signal: opts.signal },
      (res) => {
        let size = 0;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > MAX_ISSUER_DOCUMENT_BYTES) {
            req.destroy(
              new Error(`${u.origin}${u.pathname} answered more than ${MAX_ISSUER_DOCUMENT_BYTES} bytes`),
            );
          } else chunks.push(c);
        });
        res.on("error", reject);
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers["content-type"] ?? ""),
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.setTimeout(opts.timeoutMs, () =>
      req.destroy(new Error(`${u.origin} did not answer within ${opts.timeoutMs} ms`)),
    );
    req.on("error", reject);
    req.end();
  });
}

/** Why: jose's JWKS loader fetches through this, so ca_file and the deadline apply to key refreshes too. */
export function joseFetch(opts: Omit<IssuerFetchOptions, "signal">) {
  return async (url: string, init: { signal?: AbortSignal }): Promise<Response> => {
    const res = await issuerGet(url, { ...opts, signal: init.signal });
    return new Response(res.body, { status: res.status, headers: { "content-type": res.type } });
  };
}
