// The one HTTP(S) exchange behind the Kubernetes client and the Rancher client: a hard deadline, cancellation,
// a response size cap, a cut-off body told from a complete one, and how far the request got when it failed.
// Callers turn an HttpFailure into their own error (KubeError, RancherError); this module knows neither.
import type { Agent, IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { request as plainRequest } from "node:http";
import { type RequestOptions, request as tlsRequest } from "node:https";
import type { Socket } from "node:net";
import { StringDecoder } from "node:string_decoder";
import type { TLSSocket } from "node:tls";

/** Why: a response is buffered whole, so one huge answer must fail clearly instead of exhausting memory. */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

const MAX_TIMER_MS = 2_147_483_647; // longer delays would fire after 1 ms in Node

/** Why: how far one request got; decides whether a failed write can have changed anything. */
export type Stage = "connecting" | "sent" | "answered";

/** Why: everything one exchange needs; headers are never logged or put into errors. */
export interface HttpCall {
  url: URL;
  method: string;
  headers: OutgoingHttpHeaders;
  /** Keep-alive pool; without one, `tls` verifies an https connection. */
  agent?: Agent;
  tls?: Pick<
    RequestOptions,
    "ca" | "cert" | "key" | "pfx" | "passphrase" | "rejectUnauthorized" | "servername"
  >;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  maxBytes: number;
  /** Keep a successful (2xx) body as bytes (`bytes`, `body` empty). */
  binary?: boolean;
}

/** Why: a buffered answer, whatever its status; the caller decides what a status means. */
export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  bytes?: Buffer;
}

/** Why: what went wrong, with the stage, status and byte counts each caller words its own error from. */
export type HttpFailureKind = "timeout" | "cancelled" | "too-large" | "truncated" | "network";

/** Why: one failure type for every exchange; `cause` is node's error (network) or the signal's reason (cancelled). */
export class HttpFailure extends Error {
  override readonly name = "HttpFailure";
  constructor(
    readonly kind: HttpFailureKind,
    readonly stage: Stage,
    readonly status: number | undefined,
    readonly received: number,
    readonly expected: number | undefined,
    override readonly cause?: unknown,
  ) {
    super(`${kind} while ${stage}`);
  }
}

// A socket is up when TCP (and TLS, for https) is done: from then on, what is written may reach the server.
function connected(sock: Socket): boolean {
  if (sock.connecting) return false;
  return !("encrypted" in sock) || /^TLS/.test((sock as TLSSocket).getProtocol() ?? "");
}

/** Why: the only place sockets are opened to an API server or Rancher; every exchange ends by its deadline. */
export function httpExchange(call: HttpCall): Promise<HttpAnswer> {
  const isHttps = call.url.protocol === "https:";
  const send = isHttps ? tlsRequest : plainRequest;
  let stage: Stage = "connecting";
  let status: number | undefined;
  let received = 0;
  let expected: number | undefined;
  const failure = (kind: HttpFailureKind, cause?: unknown): HttpFailure =>
    new HttpFailure(kind, stage, status, received, expected, cause);
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      call.signal?.removeEventListener("abort", onAbort);
      fn();
    };
    const headers = { ...call.headers };
    if (call.body !== undefined) headers["Content-Length"] = Buffer.byteLength(call.body);
    else if (call.method === "POST") headers["Content-Length"] = 0;
    const options = {
      method: call.method,
      headers,
      agent: call.agent,
      ...(isHttps && call.agent === undefined && call.tls ? call.tls : {}),
    };
    const r = send(call.url, options, (res) => {
      stage = "answered";
      status = res.statusCode ?? 0;
      expected = res.headers["content-length"] ? Number(res.headers["content-length"]) : undefined;
      // Each chunk is decoded as it arrives (the decoder keeps a split UTF-8 sequence for the next one), so
      // no chunk list, no concatenated Buffer: the body exists once, as a string.
      const decoder = new StringDecoder("utf8");
      let body = "";
      // A binary answer is kept as chunks (an error status is text all the same, for its message).
      const chunks: Buffer[] | undefined = call.binary && status >= 200 && status < 300 ? [] : undefined;
      res.on("data", (c: Buffer) => {
        received += c.length;
        if (received <= call.maxBytes) {
          if (chunks) chunks.push(c);
          else body += decoder.write(c);
        } else {
          finish(() => reject(failure("too-large")));
          r.destroy();
        }
      });
      // A body that ends early (reset, or closed before Content-Length/the last chunk) is cut off, not complete.
      const cutOff = (): void => finish(() => reject(failure("truncated")));
      res.on("error", cutOff);
      res.on("close", () => {
        if (!res.complete) cutOff();
      });
      res.on("end", () => {
        body += decoder.end();
        const code = status ?? 0;
        finish(() =>
          resolve(
            chunks
              ? { status: code, headers: res.headers, body: "", bytes: Buffer.concat(chunks) }
              : { status: code, headers: res.headers, body },
          ),
        );
      });
    });
    r.on("socket", (sock: Socket) => {
      const up = (): void => {
        if (stage === "connecting") stage = "sent";
      };
      if (r.reusedSocket || connected(sock)) up();
      else sock.once("encrypted" in sock ? "secureConnect" : "connect", up);
    });
    const timer = setTimeout(
      () => {
        finish(() => reject(failure("timeout")));
        r.destroy();
      },
      Math.min(Math.max(1, call.timeoutMs), MAX_TIMER_MS),
    );
    const onAbort = (): void => {
      finish(() => reject(failure("cancelled", call.signal?.reason)));
      r.destroy();
    };
    if (call.signal?.aborted) onAbort();
    else call.signal?.addEventListener("abort", onAbort, { once: true });
    r.on("error", (e) =>
      finish(() => reject(stage === "answered" ? failure("truncated", e) : failure("network", e))),
    );
    if (call.body !== undefined) r.write(call.body);
    r.end();
  });
}
