// A fault-injecting TLS proxy in front of a real kube-apiserver: requests pass through unchanged unless a rule
// matches, and then the answer is damaged the way networks and middleboxes damage it (the request itself is
// forwarded first, so the apiserver really applies the change whose answer is lost).
import { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import { createServer, request, type Server } from "node:https";
import type { Socket } from "node:net";
import { makeStubCertificates } from "../stubs/stub-tls.js";

/** Why: each way an answer can go wrong after (or instead of) reaching the apiserver. */
export type Fault =
  | "reset-after-send" // forwarded and answered upstream; the client's connection is reset before any answer
  | "reset-mid-body" // status, headers and half the body, then a TCP reset
  | "truncated-body" // status, headers (full Content-Length) and half the body, then a clean close
  | "invalid-json" // the upstream status and headers, the body replaced by text that is not JSON
  | "throttle" // not forwarded: 429 with Retry-After
  | "stall-after-headers" // forwarded; status and headers, then no body ever
  | "hold-answer"; // forwarded and answered upstream; the client gets nothing at all until it goes away

/** Why: which requests a fault hits, and how many times (default once). */
export interface FaultRule {
  fault: Fault;
  match: (method: string, url: URL) => boolean;
  times?: number;
  retryAfterSeconds?: number;
}

/** Why: a rule's match for the real write (never its server-side dry run) of one method on matching paths. */
export const realWrite = (method: string, path: RegExp) => (m: string, url: URL) =>
  m === method && path.test(url.pathname) && !url.searchParams.has("dryRun");

/** Why: what a test needs: the proxy's URL and CA for a kubeconfig, rules, and what actually fired. */
export interface FaultProxy {
  server: string;
  /** PEM of the CA the proxy's certificate chains to (not the apiserver's). */
  ca: string;
  inject: (rule: FaultRule) => void;
  fired: () => { fault: Fault; method: string; path: string }[];
  close: () => Promise<void>;
}

interface Upstream {
  server: string;
  ca: string;
}

function forward(
  up: Upstream,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  const headers = { ...req.headers };
  delete headers.host;
  delete headers.connection;
  return new Promise((resolve, reject) => {
    const r = request(
      new URL(req.url ?? "/", up.server),
      { method: req.method, headers, ca: up.ca },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on("error", reject);
      },
    );
    r.on("error", reject);
    r.end(body);
  });
}

// A TLS socket's TCP connection (an RST is a TCP matter; the TLS layer would only close).
function tcp(socket: Socket): Socket {
  return (socket as Socket & { _parent?: Socket })._parent ?? socket;
}

const HOP = ["transfer-encoding", "connection", "content-length", "keep-alive"];

// The upstream headers a pass-through answer keeps (hop-by-hop ones are the proxy's own business).
function plainHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP.includes(k)) out[k] = v;
  return out;
}

// The status line and headers as raw bytes, so a fault can follow them with part of a body or nothing.
function head(status: number, headers: IncomingHttpHeaders, length: number): string {
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}`];
  for (const [k, v] of Object.entries(plainHeaders(headers)))
    for (const one of Array.isArray(v) ? v : [v]) lines.push(`${k}: ${one}`);
  lines.push(`content-length: ${length}`, "connection: close");
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/** Why: starts the proxy for one real cluster; its certificate is a throwaway stub CA's. */
export async function startFaultProxy(up: Upstream): Promise<FaultProxy> {
  const certs = await makeStubCertificates();
  const rules: (FaultRule & { left: number })[] = [];
  const fired: { fault: Fault; method: string; path: string }[] = [];
  const stalled = new Set<Socket>();
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? "/", "https://proxy");
    const method = req.method ?? "GET";
    const rule = rules.find((r) => r.left > 0 && r.match(method, url));
    if (rule) {
      rule.left--;
      fired.push({ fault: rule.fault, method, path: url.pathname + url.search });
    }
    const socket = req.socket;
    if (rule?.fault === "throttle") {
      const status = JSON.stringify({
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        message: "too many requests, please try again later",
        reason: "TooManyRequests",
        code: 429,
      });
      res.writeHead(429, {
        "content-type": "application/json",
        "retry-after": String(rule.retryAfterSeconds ?? 7),
      });
      res.end(status);
      return;
    }
    const answer = await forward(up, req, Buffer.concat(chunks));
    const half = answer.body.subarray(0, Math.floor(answer.body.length / 2));
    switch (rule?.fault) {
      case undefined:
        res.writeHead(answer.status, plainHeaders(answer.headers));
        res.end(answer.body);
        return;
      case "reset-after-send":
        tcp(socket).resetAndDestroy();
        return;
      case "reset-mid-body":
        socket.write(head(answer.status, answer.headers, answer.body.length));
        socket.write(half);
        // Let the half body leave before the reset (an RST discards what the peer has not read yet).
        setTimeout(() => tcp(socket).resetAndDestroy(), 50);
        return;
      case "truncated-body":
        socket.write(head(answer.status, answer.headers, answer.body.length));
        socket.end(half);
        return;
      case "invalid-json": {
        const text = Buffer.from(`${half.toString("utf8")}<html>proxy error`);
        socket.write(head(answer.status, answer.headers, text.length));
        socket.end(text);
        return;
      }
      case "hold-answer":
        stalled.add(socket);
        socket.on("close", () => stalled.delete(socket));
        return;
      case "stall-after-headers":
        stalled.add(socket);
        socket.on("close", () => stalled.delete(socket));
        socket.write(head(answer.status, answer.headers, answer.body.length));
        return;
    }
  };
  const srv: Server = createServer({ cert: certs.cert, key: certs.key }, (req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const addr = srv.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    server: `https://127.0.0.1:${port}`,
    ca: certs.ca,
    inject: (rule) => rules.push({ ...rule, left: rule.times ?? 1 }),
    fired: () => [...fired],
    close: async () => {
      for (const s of stalled) s.destroy();
      srv.closeAllConnections();
      await new Promise<void>((r) => srv.close(() => r()));
    },
  };
}
