// STUB of the kubelet API, not a kubelet: an HTTPS server that only answers GET /containerLogs/{ns}/{pod}/{container},
// the node log query (GET /logs/?query=) and GET /stats/summary with deterministic text (kubelet-node.ts), so the
// REAL kube-apiserver's pods/log and nodes/proxy paths can be exercised. No auth (the apiserver
// runs without --kubelet-client-certificate), no exec/attach/port-forward; follow=true returns the text and ends.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import { join } from "node:path";
import { promisify } from "node:util";
import { renderNodeLog, renderStatsSummary } from "./kubelet-node.js";

const run = promisify(execFile);

/** Why: lines per container unless the pod's annotation of this name says otherwise. */
export const DEFAULT_LOG_LINES = 500;
/** Why: tests choose a pod's log length through the API, like a real workload would decide it. */
export const LOG_LINES_ANNOTATION = "k8s-mcp.test/log-lines";

/** Why: what the stub needs to know about a pod bound to its node (supplied by the node simulator). */
export interface KubeletPodInfo {
  containers: readonly string[];
  logLines: number;
  startedAt: string;
}

/** Why: the stub answers only for pods its node runs; undefined means 404. */
export type KubeletPodLookup = (namespace: string, pod: string) => KubeletPodInfo | undefined;

/** Why: the node-level endpoints need the node's name and its pods (for stats/summary). */
export interface KubeletNodeInfo {
  name: string;
  pods: () => readonly { namespace: string; name: string }[];
}

/** Why: one self-signed serving certificate (SAN IP 127.0.0.1) shared by every stub of a control plane. */
export interface KubeletCert {
  cert: string;
  key: string;
}

/** Why: a running stub and its teardown. */
export interface KubeletStub {
  port: number;
  stop: () => Promise<void>;
}

/** Why: the apiserver dials the kubelet over TLS; a real certificate made by the openssl CLI keeps that path real. */
export async function createKubeletCert(dir: string): Promise<KubeletCert> {
  const certFile = join(dir, "kubelet.crt");
  const keyFile = join(dir, "kubelet.key");
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=127.0.0.1",
    "-addext",
    "subjectAltName=IP:127.0.0.1",
    "-keyout",
    keyFile,
    "-out",
    certFile,
  ]);
  return { cert: await readFile(certFile, "utf8"), key: await readFile(keyFile, "utf8") };
}

/** Why: tests compute expected log content with the same function the stub serves it from. */
export function logLine(
  namespace: string,
  pod: string,
  container: string,
  i: number,
  previous = false,
): string {
  return `${previous ? "previous " : ""}${namespace}/${pod}/${container} line ${i}`;
}

// The kubelet prints CRI timestamps with a fixed 9-digit fraction.
function kubeletTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");
}

function int(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

/** Why: the body of one containerLogs request, a pure function of pod, container and query (line i at start+i ms). */
export function renderLogs(
  namespace: string,
  pod: string,
  container: string,
  info: KubeletPodInfo,
  query: URLSearchParams,
  nowMs: number = Date.now(),
): string {
  const previous = query.get("previous") === "true";
  if (query.get("stream") === "Stderr") return "";
  // The previous instance ran for the hour before the current one started.
  const base = Date.parse(info.startedAt) - (previous ? 3_600_000 : 0);
  const sinceSeconds = int(query, "sinceSeconds");
  const sinceTime = query.get("sinceTime");
  const cutoff =
    sinceSeconds !== undefined ? nowMs - sinceSeconds * 1000 : sinceTime ? Date.parse(sinceTime) : -Infinity;
  const lines: string[] = [];
  for (let i = 1; i <= info.logLines; i++) {
    const ts = base + i;
    if (ts < cutoff) continue;
    const text = logLine(namespace, pod, container, i, previous);
    lines.push(query.get("timestamps") === "true" ? `${kubeletTime(ts)} ${text}` : text);
  }
  const tail = int(query, "tailLines");
  const kept = tail === undefined ? lines : tail === 0 ? [] : lines.slice(-tail);
  const body = kept.map((l) => `${l}\n`).join("");
  const limit = int(query, "limitBytes");
  return limit === undefined ? body : Buffer.from(body).subarray(0, limit).toString("utf8");
}

function respondNode(node: KubeletNodeInfo, url: URL): [number, string] | undefined {
  if (url.pathname === "/logs/" || url.pathname === "/logs") {
    const body = renderNodeLog(node.name, url.searchParams);
    return body === undefined
      ? [404, `kubelet stub: no log source ${url.searchParams.get("query")}\n`]
      : [200, body];
  }
  if (url.pathname === "/stats/summary") return [200, renderStatsSummary(node.name, node.pods())];
  return undefined;
}

function respond(
  lookup: KubeletPodLookup,
  method: string,
  url: URL,
  node?: KubeletNodeInfo,
): [number, string] {
  const forNode = method === "GET" && node ? respondNode(node, url) : undefined;
  if (forNode) return forNode;
  const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
  if (method !== "GET" || !m) return [404, `kubelet stub: ${method} ${url.pathname} not served\n`];
  const [ns, pod, container] = [m[1]!, m[2]!, m[3]!].map(decodeURIComponent) as [string, string, string];
  const info = lookup(ns, pod);
  if (!info) return [404, `pod "${ns}/${pod}" not found on this node\n`];
  if (!info.containers.includes(container))
    return [400, `container "${container}" in pod "${pod}" is not valid\n`];
  return [200, renderLogs(ns, pod, container, info, url.searchParams)];
}

function handle(
  lookup: KubeletPodLookup,
  req: IncomingMessage,
  res: ServerResponse,
  node?: KubeletNodeInfo,
): void {
  const url = new URL(req.url ?? "/", "https://127.0.0.1");
  const [status, text] = respond(lookup, req.method ?? "", url, node);
  const type =
    url.pathname === "/stats/summary" && status === 200 ? "application/json" : "text/plain; charset=utf-8";
  res.writeHead(status, { "Content-Type": type }).end(text);
}

/**
 * Why: one stub per simulated node, on an ephemeral port the Node object advertises: loopback by default; the
 * node proxy (nodes/proxy) refuses loopback addresses, so its tests pass a non-loopback `host`.
 */
export async function startKubeletStub(
  cert: KubeletCert,
  lookup: KubeletPodLookup,
  node?: KubeletNodeInfo,
  host = "127.0.0.1",
): Promise<KubeletStub> {
  const server = createServer({ cert: cert.cert, key: cert.key, requestCert: false }, (req, res) =>
    handle(lookup, req, res, node),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  const stop = async (): Promise<void> => {
    const closed = new Promise<void>((r) => server.close(() => r()));
    server.closeAllConnections();
    await closed;
  };
  return { port, stop };
}
