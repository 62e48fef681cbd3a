// A cluster client: one kubeconfig context, a keep-alive HTTPS agent, and requests with timeouts and cancellation.
import type { Agent, IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from "node:https";
import type { Socket } from "node:net";
import { StringDecoder } from "node:string_decoder";
import type { TLSSocket } from "node:tls";
import { redactUrl } from "../redact/url.js";
import { abortable } from "../util/abortable.js";
import { deadline } from "../util/deadline.js";
import { VERSION } from "../version.js";
import {
  fromNetworkError,
  fromResponse,
  KubeError,
  parseJson,
  type Stage,
  withEffect,
  writeEffect,
} from "./errors.js";

/** Why: everything one API call needs; handlers build these, the client does transport. */
export interface KubeRequest {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  accept?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Return non-2xx responses instead of throwing (for callers that inspect the status). */
  allowErrorStatus?: boolean;
  /** Keep a successful body as bytes (`KubeResponse.bytes`, `body` empty): protobuf answers. */
  binary?: boolean;
}

/** Why: a buffered response, bounded by the client's response cap (MAX_RESPONSE_BYTES unless set). */
export interface KubeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body as bytes, for a successful `binary` request. */
  bytes?: Buffer;
}

/** Why: the handle every cluster-aware tool receives; it never looks clusters up itself. */
export interface ClusterClient {
  readonly name: string;
  readonly server: string;
  readonly defaultNamespace: string;
  request(req: KubeRequest): Promise<KubeResponse>;
  json<T>(req: KubeRequest): Promise<T>;
  /** TLS options, auth headers and the real server URL (`server` is the display form), for exec over WebSocket. */
  connection(): Promise<{
    tls: ClientSettings["tls"];
    headers: OutgoingHttpHeaders;
    agent?: Agent;
    endpoint: string;
  }>;
  close(): void;
  /** When the exec plugin's last credential expires (epoch ms), if the client runs one and it said. */
  credentialExpiresAt(): number | undefined;
}

/** Why: the parts of a kubeconfig context the transport needs, resolved once. */
export interface ClientSettings {
  name: string;
  server: string;
  defaultNamespace: string;
  tls: Pick<
    RequestOptions,
    "ca" | "cert" | "key" | "pfx" | "passphrase" | "rejectUnauthorized" | "servername"
  >;
  /** Auth headers; re-evaluated per request for exec/auth-provider credentials. */
  headers: () => Promise<OutgoingHttpHeaders>;
  defaultTimeoutMs: number;
  /** Set when the kubeconfig names a proxy-url: client-node's proxy agent, used instead of a direct one. */
  agent?: Agent;
  /** Largest response body buffered (default MAX_RESPONSE_BYTES); a bigger one fails the request. */
  maxResponseBytes?: number;
  /** Called on a 401: drops cached exec-plugin credentials so the next request fetches new ones. */
  onUnauthorized?: () => void;
  /** The exec plugin's last expirationTimestamp (epoch ms), for clusters_status/clusters_list. */
  credentialExpiresAt?: () => number | undefined;
}

/** Why: a response is buffered whole, so one huge list must fail clearly instead of exhausting memory. */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

function tooLarge(server: string, max: number): KubeError {
  return new KubeError(
    "http",
    `the response from ${server} exceeded the ${max >= 1 << 20 ? `${max / (1 << 20)} MiB` : `${max} bytes`} response limit and was dropped (narrow the query: namespace, labelSelector, limit)`,
  );
}

// A socket is up when TCP (and TLS, for https) is done: from then on, what is written may reach the server.
function connected(sock: Socket): boolean {
  if (sock.connecting) return false;
  return !("encrypted" in sock) || /^TLS/.test((sock as TLSSocket).getProtocol() ?? "");
}

function truncated(server: string, status: number, got: number, expected: number | undefined): KubeError {
  const of = expected === undefined ? "" : ` of ${expected}`;
  return new KubeError(
    "malformed",
    `the response from ${server} (status ${status}) was truncated: the connection ended after ${got}${of} bytes of its body`,
    status,
  );
}

function timedOut(
  server: string,
  ms: number,
  stage: Stage,
  status: number | undefined,
  got: number,
): KubeError {
  if (stage === "connecting")
    return new KubeError("timeout", `could not connect to ${server} within ${ms} ms; nothing was sent`);
  if (stage === "sent") return new KubeError("timeout", `no answer from ${server} within ${ms} ms`);
  return new KubeError(
    "stalled",
    `the response from ${server} stalled: its status (${status}) and headers arrived, then the body stopped after ${got} bytes; gave up at the ${ms} ms timeout`,
    status,
  );
}

function buildUrl(server: string, path: string, query?: KubeRequest["query"]): URL {
  const base = server.endsWith("/") ? server.slice(0, -1) : server;
  const url = new URL(base + path);
  for (const [k, v] of Object.entries(query ?? {}))
    if (v !== undefined && v !== "") url.searchParams.set(k, String(v));
  return url;
}

/** Why: creates the transport for one cluster; shared keep-alive connections make fan-out cheap. */
export function createClusterClient(s: ClientSettings): ClusterClient {
  const isHttps = s.server.startsWith("https:");
  const agent =
    s.agent ??
    (isHttps
      ? new HttpsAgent({ keepAlive: true, maxSockets: 32, ...s.tls })
      : new HttpAgent({ keepAlive: true, maxSockets: 32 }));
  const send = isHttps ? httpsRequest : httpRequest;
  const maxBytes = s.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  // The server as shown in errors and status: any user:password@ in the kubeconfig URL never leaves.
  const shown = redactUrl(s.server);
  // A replaced client (new credentials) is closed only once its requests in flight have finished.
  let inFlight = 0;
  let closing = false;
  const release = (): void => {
    inFlight--;
    if (closing && inFlight === 0) agent.destroy();
  };

  const sendOnce = async (req: KubeRequest): Promise<KubeResponse> => {
    if (req.signal?.aborted) throw new KubeError("cancelled", "request cancelled");
    const url = buildUrl(s.server, req.path, req.query);
    const method = req.method ?? "GET";
    const payload =
      req.body === undefined ? undefined : typeof req.body === "string" ? req.body : JSON.stringify(req.body);
    const timeoutMs = req.timeoutMs ?? s.defaultTimeoutMs;
    // A dry run changes nothing, whatever happens to it: only real writes get an effect.
    const changes = req.query?.dryRun === undefined ? method : "GET";
    const startedAt = Date.now();
    // Credentials may come from an exec plugin that never returns: bound it by the same timeout and signal.
    const limit = deadline(timeoutMs, req.signal);
    const auth = await abortable(s.headers(), limit.signal, () =>
      limit.timedOut()
        ? new KubeError(
            "timeout",
            `credentials for '${s.name}' not ready within ${timeoutMs} ms (exec credential plugin?)`,
          )
        : new KubeError("cancelled", "request cancelled"),
    )
      .catch((err: unknown) => {
        // No credentials, nothing sent: a write that fails here changed nothing.
        throw err instanceof KubeError ? withEffect(err, writeEffect(changes, "connecting")) : err;
      })
      .finally(limit.clear);
    const remainingMs = Math.min(Math.max(1, timeoutMs - (Date.now() - startedAt)), 2_147_483_647);
    const headers: OutgoingHttpHeaders = {
      ...auth,
      Accept: req.accept ?? "application/json",
      "User-Agent": `k8s-mcp/${VERSION}`,
    };
    if (payload !== undefined) {
      headers["Content-Type"] = req.contentType ?? "application/json";
      headers["Content-Length"] = Buffer.byteLength(payload);
    }
    // How far the request got decides what a failure means for a write (see writeEffect).
    let stage: Stage = "connecting";
    let status: number | undefined;
    const fail = (err: KubeError): KubeError => withEffect(err, writeEffect(changes, stage, status));
    return new Promise<KubeResponse>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.signal?.removeEventListener("abort", onAbort);
        fn();
      };
      let received = 0;
      let expected: number | undefined;
      const r = send(url, { method, headers, agent }, (res) => {
        stage = "answered";
        status = res.statusCode ?? 0;
        expected = res.headers["content-length"] ? Number(res.headers["content-length"]) : undefined;
        // Each chunk is decoded as it arrives (the decoder keeps a split UTF-8 sequence for the next one), so
        // no chunk list, no concatenated Buffer: the body exists once, as a string.
        const decoder = new StringDecoder("utf8");
        let body = "";
        // A binary answer is kept as chunks (an error status is text all the same, for its message).
        const ok = status >= 200 && status < 300;
        const chunks: Buffer[] | undefined = req.binary && ok ? [] : undefined;
        res.on("data", (c: Buffer) => {
          received += c.length;
          if (received <= maxBytes) {
            if (chunks) chunks.push(c);
            else body += decoder.write(c);
          } else {
            finish(() => reject(fail(tooLarge(shown, maxBytes))));
            r.destroy();
          }
        });
        // A body that ends early (reset, or closed before Content-Length/the last chunk) is cut off, not complete.
        const cutOff = (): void =>
          finish(() => reject(fail(truncated(shown, status ?? 0, received, expected))));
        res.on("error", cutOff);
        res.on("close", () => {
          if (!res.complete) cutOff();
        });
        res.on("end", () => {
          body += decoder.end();
          if (status === 401) s.onUnauthorized?.();
          finish(() => {
            const code = status ?? 0;
            if ((code < 200 || code >= 300) && !req.allowErrorStatus)
              reject(fail(fromResponse(code, body, res.headers)));
            else if (chunks)
              resolve({ status: code, headers: res.headers, body: "", bytes: Buffer.concat(chunks) });
            else resolve({ status: code, headers: res.headers, body });
          });
        });
      });
      r.on("socket", (sock: Socket) => {
        const up = (): void => {
          if (stage === "connecting") stage = "sent";
        };
        if (r.reusedSocket || connected(sock)) up();
        else sock.once("encrypted" in sock ? "secureConnect" : "connect", up);
      });
      const timer = setTimeout(() => {
        finish(() => reject(fail(timedOut(shown, timeoutMs, stage, status, received))));
        r.destroy();
      }, remainingMs);
      const onAbort = (): void => {
        const after = stage === "connecting" ? "" : " after it was sent";
        finish(() => reject(fail(new KubeError("cancelled", `request cancelled${after}`))));
        r.destroy();
      };
      req.signal?.addEventListener("abort", onAbort, { once: true });
      r.on("error", (e) =>
        finish(() =>
          reject(
            fail(
              stage === "answered"
                ? truncated(shown, status ?? 0, received, expected)
                : fromNetworkError(e, shown, stage),
            ),
          ),
        ),
      );
      if (payload !== undefined) r.write(payload);
      r.end();
    });
  };

  const request = async (req: KubeRequest): Promise<KubeResponse> => {
    inFlight++;
    try {
      return await sendOnce(req);
    } finally {
      release();
    }
  };

  return {
    name: s.name,
    server: shown,
    defaultNamespace: s.defaultNamespace,
    request,
    json: async <T>(req: KubeRequest): Promise<T> => parseJson<T>(await request(req), req.method, shown),
    connection: async () => ({ tls: s.tls, headers: await s.headers(), agent: s.agent, endpoint: s.server }),
    credentialExpiresAt: () => s.credentialExpiresAt?.(),
    close: () => {
      closing = true;
      if (inFlight === 0) agent.destroy();
    },
  };
}
