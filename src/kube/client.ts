// A cluster client: one kubeconfig context, a keep-alive HTTPS agent, and requests with timeouts and cancellation.
import type { Agent, IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { redactUrl } from "../redact/url.js";
import { abortable } from "../util/abortable.js";
import { deadline } from "../util/deadline.js";
import { type HttpCall, HttpFailure, httpExchange, MAX_RESPONSE_BYTES } from "../util/http-request.js";
import { VERSION } from "../version.js";
import {
  type ActingAs,
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
  /** Who requests are sent as, when not the kubeconfig's identity (see ClientSettings.actingAs). */
  readonly actingAs?: ActingAs;
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
  tls: NonNullable<HttpCall["tls"]>;
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
  /** Set on a client acting for someone else (identity.ts): its refusals (401/403) name that user. */
  actingAs?: ActingAs;
}

/** Why: the response cap unless a client sets its own (one figure for every HTTP client, see http-request.ts). */
export { MAX_RESPONSE_BYTES };

function tooLarge(server: string, max: number): KubeError {
  return new KubeError(
    "http",
    `the response from ${server} exceeded the ${max >= 1 << 20 ? `${max / (1 << 20)} MiB` : `${max} bytes`} response limit and was dropped (narrow the query: namespace, labelSelector, limit)`,
  );
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

// The exchange's failure in the client's words: where it stopped, and (for a write) what that means.
function kubeFailure(f: HttpFailure, server: string, timeoutMs: number, maxBytes: number): KubeError {
  switch (f.kind) {
    case "timeout":
      return timedOut(server, timeoutMs, f.stage, f.status, f.received);
    case "cancelled":
      return new KubeError(
        "cancelled",
        `request cancelled${f.stage === "connecting" ? "" : " after it was sent"}`,
      );
    case "too-large":
      return tooLarge(server, maxBytes);
    case "truncated":
      return truncated(server, f.status ?? 0, f.received, f.expected);
    case "network":
      return fromNetworkError(f.cause, server, f.stage);
  }
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
    const headers: OutgoingHttpHeaders = {
      ...auth,
      Accept: req.accept ?? "application/json",
      "User-Agent": `k8s-mcp/${VERSION}`,
    };
    if (payload !== undefined) headers["Content-Type"] = req.contentType ?? "application/json";
    // How far the request got decides what a failure means for a write (see writeEffect).
    const fail = (err: KubeError, stage: Stage, status?: number): KubeError =>
      withEffect(err, writeEffect(changes, stage, status));
    const res = await httpExchange({
      url,
      method,
      headers,
      agent,
      body: payload,
      timeoutMs: timeoutMs - (Date.now() - startedAt),
      signal: req.signal,
      maxBytes,
      binary: req.binary,
    }).catch((err: unknown) => {
      if (!(err instanceof HttpFailure)) throw err;
      throw fail(kubeFailure(err, shown, timeoutMs, maxBytes), err.stage, err.status);
    });
    if (res.status === 401) s.onUnauthorized?.();
    if ((res.status < 200 || res.status >= 300) && !req.allowErrorStatus)
      throw fail(fromResponse(res.status, res.body, res.headers, s.actingAs), "answered", res.status);
    return res;
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
    actingAs: s.actingAs,
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
