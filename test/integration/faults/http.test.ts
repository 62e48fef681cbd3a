// Fault matrix, HTTP: connection floods, idle sockets, slow headers and malformed JSON-RPC bodies against the
// in-process HTTP transport and a real cluster. A client with a valid token must always get through.
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildDeps, closeDeps } from "../../../src/app.js";
import { ConfigSchema } from "../../../src/config/index.js";
import { createLogger } from "../../../src/log.js";
import type { ServerDeps } from "../../../src/mcp/deps.js";
import { type HttpServeOptions, type HttpServerHandle, serveHttp } from "../../../src/transports/http.js";
import { connectClient, INITIALIZE_BODY, mcpHeaders, rawRequest, waitFor } from "../http/helpers.js";
import { memoryMiB, openFds } from "./proc.js";

const cp = inject("controlplane");
const [sv5] = cp.clusters;
const TOKEN = "faults-http-token-5d1e";

// The HTTP transport in-process, as the CLI starts it, with a 64 KiB body cap and the given limits.
async function start(
  extra: Partial<Pick<HttpServeOptions, "token" | "connectionLimits" | "timeouts">>,
): Promise<{ deps: ServerDeps; handle: HttpServerHandle }> {
  const logger = createLogger({ level: "error", write: () => {} });
  const config = ConfigSchema.parse({ kubeconfig_dir: cp.kubeconfigDir, auto_discovery: false });
  const deps = await buildDeps(config, logger, {});
  const handle = await serveHttp({
    deps,
    logger,
    host: "127.0.0.1",
    port: 0,
    idleTimeoutMs: 60_000,
    maxBodyBytes: 64 * 1024,
    ...extra,
  });
  return { deps, handle };
}

// Sends nothing, but reads: a socket left paused may never see the server's FIN, so its close would go unnoticed.
function openIdle(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1", () => resolve(s));
    s.on("error", () => {});
    s.resume();
  });
}

function closedWithin(s: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (s.destroyed) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    s.once("close", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

describe("HTTP connection limits and timeouts", () => {
  let deps: ServerDeps;
  let handle: HttpServerHandle;
  let port: number;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    ({ deps, handle } = await start({
      token: TOKEN,
      connectionLimits: { maxConnections: 40, maxPerClient: 30 },
      timeouts: { headersMs: 1000, requestMs: 2000, keepAliveMs: 1000 },
    }));
    port = handle.port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await handle?.close();
    if (deps) closeDeps(deps);
  });

  it("an idle socket that sends nothing is closed after the headers timeout", async () => {
    const s = await openIdle(port);
    sockets.push(s);
    const started = Date.now();
    await waitFor("the server accounts the connection", () => handle.connections().open >= 1 || s.destroyed);
    // The server closes it at http_headers_timeout (1 s here); the bound is loose for a loaded CI machine, and
    // still far below the 75-130 s an idle socket was held before this limit existed.
    const closed = await closedWithin(s, 15_000);
    // When it is not closed, say what the server had accounted (the cause of a rare CI failure is not known).
    expect(closed, `not closed; server connections: ${JSON.stringify(handle.connections())}`).toBe(true);
    expect(Date.now() - started).toBeLessThan(12_000);
  });

  it("a slow client dribbling headers is closed too (slowloris)", async () => {
    const s = await openIdle(port);
    sockets.push(s);
    s.write("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    const drip = setInterval(() => s.writable && s.write("X-A: b\r\n"), 200);
    try {
      expect(await closedWithin(s, 5000)).toBe(true);
    } finally {
      clearInterval(drip);
    }
  });

  it("past the per-client limit the oldest idle socket of that client makes room; busy ones never do", async () => {
    const held = await Promise.all(Array.from({ length: 30 }, () => openIdle(port)));
    sockets.push(...held);
    await waitFor("30 connections accounted", () => handle.connections().open >= 30);
    const evictedBefore = handle.connections().evicted;
    const extra = await openIdle(port);
    sockets.push(extra);
    await waitFor("one idle socket evicted", () => handle.connections().evicted === evictedBefore + 1);
    expect(held[0]?.destroyed || (await closedWithin(held[0] as Socket, 1000))).toBe(true);
    expect(handle.connections().open).toBeLessThanOrEqual(30);
    for (const s of [...held, extra]) s.destroy();
    await waitFor("connections released", () => handle.connections().open === 0);
  });

  it("a client with a valid token gets through while idle sockets fill every slot", async () => {
    const fdsBefore = openFds(process.pid);
    // Two addresses (127.0.0.1 and 127.0.0.2) hold 20 idle sockets each: the whole budget of 40. The valid
    // client connects from 127.0.0.1 too, as every local client does.
    const hog = (host: string) =>
      new Promise<Socket>((resolve) => {
        const s = connect({ port, host: "127.0.0.1", localAddress: host }, () => resolve(s));
        s.on("error", () => {});
      });
    const held = await Promise.all([
      ...Array.from({ length: 20 }, () => hog("127.0.0.1")),
      ...Array.from({ length: 20 }, () => hog("127.0.0.2")),
    ]);
    sockets.push(...held);
    await waitFor("budget full", () => handle.connections().open >= 40);
    const client = await connectClient(handle.url, TOKEN);
    try {
      const r = await client.call("namespaces_list", { cluster: sv5!.name });
      expect(r.isError).toBeFalsy();
      expect((r.structuredContent as { cluster: string }).cluster).toBe(sv5!.name);
      expect(handle.connections().evicted).toBeGreaterThan(0);
      expect(handle.connections().open).toBeLessThanOrEqual(40);
    } finally {
      await client.client.close();
      for (const s of held) s.destroy();
    }
    await waitFor("connections released", () => handle.connections().open === 0);
    expect(openFds(process.pid)).toBeLessThan(fdsBefore + 10);
    expect(memoryMiB(process.pid).rss).toBeLessThan(1024);
  });
});

describe("HTTP malformed JSON-RPC bodies", () => {
  let deps: ServerDeps;
  let handle: HttpServerHandle;
  let session: string;
  beforeAll(async () => {
    ({ deps, handle } = await start({}));
    const init = await rawRequest(handle.url, {
      method: "POST",
      headers: mcpHeaders(),
      body: INITIALIZE_BODY,
    });
    session = String(init.headers["mcp-session-id"]);
    await rawRequest(handle.url, {
      method: "POST",
      headers: mcpHeaders({ "mcp-session-id": session, "mcp-protocol-version": "2025-06-18" }),
      body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    });
  });
  afterAll(async () => {
    await handle?.close();
    if (deps) closeDeps(deps);
  });

  const post = (body: string) =>
    rawRequest(handle.url, {
      method: "POST",
      headers: mcpHeaders({ "mcp-session-id": session, "mcp-protocol-version": "2025-06-18" }),
      body,
    });
  const stillServes = async (): Promise<void> => {
    const r = await post(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 99,
        method: "tools/call",
        params: { name: "namespaces_list", arguments: { cluster: sv5!.name } },
      }),
    );
    expect(r.status).toBe(200);
    expect(r.body).toContain(`"cluster":"${sv5!.name}"`);
  };

  it.each([
    ["a batch", JSON.stringify([{ jsonrpc: "2.0", id: 1, method: "ping" }]), -32600, null],
    ['"jsonrpc":"1.0"', JSON.stringify({ jsonrpc: "1.0", id: 2, method: "ping" }), -32600, 2],
    ["an object id", JSON.stringify({ jsonrpc: "2.0", id: { x: 1 }, method: "ping" }), -32600, null],
    [
      "non-object arguments",
      JSON.stringify({
        jsonrpc: "2.0",
        id: 3,
        method: "tools/call",
        params: { name: "namespaces_list", arguments: 7 },
      }),
      -32602,
      3,
    ],
    ["invalid JSON", "{nope", -32700, null],
  ])("%s gets 400 with JSON-RPC error %s and the right id", async (_label, body, code, id) => {
    const r = await post(body);
    expect(r.status).toBe(400);
    const parsed = JSON.parse(r.body) as { id: unknown; error: { code: number; message: string } };
    expect(parsed.error.code).toBe(code);
    expect(parsed.id).toEqual(id);
    expect(parsed.error.message.length).toBeLessThan(200);
    await stillServes();
  });

  it("an oversized body gets 413 naming the limit and its setting; the next call is served", async () => {
    const r = await post(
      JSON.stringify({ jsonrpc: "2.0", id: 4, method: "ping", params: { p: "x".repeat(100_000) } }),
    );
    expect(r.status).toBe(413);
    expect(r.body).toMatch(/limit of 65536 bytes \(setting max_request_bytes\)/);
    await stillServes();
  });
});
