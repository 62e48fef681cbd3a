// One HTTP(S) request with a hard deadline, cancellation and a size cap; node's errors classified for Rancher.
import { type Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
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

function collect(
  res: IncomingMessage,
  maxBytes: number,
  fail: (e: Error) => void,
  done: (b: string) => void,
) {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on("data", (c: Buffer) => {
    size += c.length;
    if (size > maxBytes) {
      res.destroy();
      fail(new RancherError("invalid", `Rancher's answer exceeded ${maxBytes} bytes`));
      return;
    }
    chunks.push(c);
  });
  res.on("end", () => done(Buffer.concat(chunks).toString("utf8")));
  res.on("error", fail);
}

/** Why: the only place sockets are opened to Rancher; every request ends by its deadline or the signal. */
export function rawRequest(r: RawRequest): Promise<RawResponse> {
  const origin = r.url.origin;
  return new Promise<RawResponse>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, value?: RawResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      r.signal.removeEventListener("abort", onAbort);
      if (err) reject(classifyNetworkError(err, origin));
      else if (value) resolve(value);
    };
    const isHttps = r.url.protocol === "https:";
    const send = isHttps ? httpsRequest : httpRequest;
    const req = send(
      r.url,
      {
        method: r.method,
        agent: r.agent,
        headers: { Accept: "application/json", ...r.headers },
        ...(isHttps && r.agent === undefined && r.trust ? r.trust : {}),
      },
      (res) => {
        collect(
          res,
          r.maxBytes ?? 32 * 1024 * 1024,
          (e) => finish(e),
          (body) => finish(undefined, { status: res.statusCode ?? 0, body }),
        );
      },
    );
    const seconds = Math.round(r.timeoutMs / 1000);
    const timer = setTimeout(
      () => {
        const e = new RancherError("timeout", `Rancher at ${origin} did not answer within ${seconds}s`);
        req.destroy(e);
        finish(e);
      },
      Math.min(r.timeoutMs, 2_147_483_647),
    );
    const onAbort = (): void => {
      const reason: unknown = r.signal.reason;
      const e =
        reason instanceof RancherError
          ? reason
          : new RancherError("cancelled", "request to Rancher cancelled");
      req.destroy(e);
      finish(e);
    };
    if (r.signal.aborted) onAbort();
    else r.signal.addEventListener("abort", onAbort, { once: true });
    req.on("error", (e) => finish(e));
    if (r.method === "POST") req.setHeader("Content-Length", "0");
    req.end();
  });
}
