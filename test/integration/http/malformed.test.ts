// Malformed HTTP input gets the right status and never disturbs a well-formed session.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  type HttpTestServer,
  INITIALIZE_BODY,
  LIST_CALL,
  mcpHeaders,
  rawRequest,
  rawSocket,
  startHttpTestServer,
  structured,
  type TestClient,
  waitFor,
} from "./helpers.js";

const cp = inject("controlplane");
const LIMIT = 64 * 1024;

describe("HTTP malformed requests", () => {
  let srv: HttpTestServer;
  let good: TestClient;
  let sessionId: string;
  beforeAll(async () => {
    srv = await startHttpTestServer({ kubeconfig_dir: cp.kubeconfigDir }, { maxBodyBytes: LIMIT });
    good = await srv.connect();
    await good.call("clusters_switch", { cluster: "c1-lax1" });
    sessionId = good.transport.sessionId ?? "";
  });
  afterAll(async () => {
    await srv.close();
  });

  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    rawRequest(srv.handle.url, { method: "POST", headers: mcpHeaders(headers), body });

  it("answers bad JSON with 400 and a JSON-RPC parse error", async () => {
    for (const body of ["{not json", "", "\u0000\u0001", '{"jsonrpc":"2.0","id":1,"method":']) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ jsonrpc: "2.0", error: { code: -32700 }, id: null });
    }
    // Well-formed JSON that is not a JSON-RPC message, inside a live session.
    const junk = await post('{"hello":"world"}', { "mcp-session-id": sessionId });
    expect(junk.status).toBe(400);
    expect(JSON.parse(junk.body).error.code).toBe(-32600); // valid JSON, not a JSON-RPC message: Invalid Request
  });

  it("answers a wrong or missing content type with 415", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/jsonx", ""]) {
      const res = await post(LIST_CALL, { "content-type": type, "mcp-session-id": sessionId });
      expect(res.status, type).toBe(415);
    }
    const gz = await post(LIST_CALL, { "content-encoding": "gzip", "mcp-session-id": sessionId });
    expect(gz.status).toBe(415);
    const charset = await post(INITIALIZE_BODY, { "content-type": "application/json; charset=utf-8" });
    expect(charset.status).toBe(200);
  });

  it("answers a body over the limit with 413, declared or streamed", async () => {
    const huge = Buffer.alloc(LIMIT * 4, 0x20);
    const declared = await post(huge, { "mcp-session-id": sessionId });
    expect(declared.status).toBe(413);
    const streamed = await post(huge, { "mcp-session-id": sessionId, "transfer-encoding": "chunked" });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body).error.message).toMatch(/exceeds/);
  });

  it("answers an unknown session id with 404 and a missing one with 400", async () => {
    const unknown = await post(LIST_CALL, { "mcp-session-id": "00000000-0000-0000-0000-000000000000" });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.code).toBe(-32001);
    for (const method of ["GET", "DELETE"]) {
      const res = await rawRequest(srv.handle.url, {
        method,
        headers: { accept: "text/event-stream", "mcp-session-id": "nope" },
      });
      expect(res.status, method).toBe(404);
    }
    const missing = await post(LIST_CALL);
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.body).error.message).toMatch(/Mcp-Session-Id header is required/);
    const getMissing = await rawRequest(srv.handle.url, { headers: { accept: "text/event-stream" } });
    expect(getMissing.status).toBe(400);
  });

  it("answers unknown paths with 404, other methods with 405, bad Accept with 406", async () => {
    expect((await rawRequest(srv.handle.url, { path: "/" })).status).toBe(404);
    expect((await rawRequest(srv.handle.url, { path: "/mcp/extra" })).status).toBe(404);
    expect((await rawRequest(srv.handle.url, { method: "POST", path: "/nope", body: "x" })).status).toBe(404);
    const put = await rawRequest(srv.handle.url, { method: "PUT", headers: mcpHeaders(), body: LIST_CALL });
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe("GET, POST, DELETE");
    const accept = await post(LIST_CALL, { accept: "text/html", "mcp-session-id": sessionId });
    expect(accept.status).toBe(406);
  });

  it("answers broken HTTP with 400 and oversized headers with 431", async () => {
    expect(await rawSocket(srv.handle.url, "NOT HTTP AT ALL\r\n\r\n")).toMatch(/^HTTP\/1\.1 400 /);
    const big = `GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"a".repeat(64 * 1024)}\r\n\r\n`;
    expect(await rawSocket(srv.handle.url, big)).toMatch(/^HTTP\/1\.1 431 /);
  });

  it("survives a client that disconnects mid-body", async () => {
    const { request } = await import("node:http");
    const url = new URL(srv.handle.url);
    await new Promise<void>((resolve) => {
      const req = request({
        host: url.hostname,
        port: url.port,
        method: "POST",
        path: "/mcp",
        headers: mcpHeaders(),
      });
      req.on("error", () => resolve());
      req.write('{"jsonrpc":"2.0",');
      req.flushHeaders();
      setImmediate(() => {
        req.destroy();
        resolve();
      });
    });
    expect((await rawRequest(srv.handle.url, { path: "/healthz" })).status).toBe(200);
  });

  it("keeps the well-formed session working throughout", async () => {
    const list = await good.call("clusters_list");
    expect(list.isError).toBeFalsy();
    expect(structured(list).active).toBe("c1-lax1");
    const who = await good.call("test_whoami");
    expect(structured(who).cluster).toBe("c1-lax1");
  });
});

describe("HTTP session limit", () => {
  it("refuses new sessions beyond maxSessions with 503 and serves existing ones", async () => {
    const srv = await startHttpTestServer({ kubeconfig_dir: cp.kubeconfigDir }, { maxSessions: 2 });
    try {
      const a = await srv.connect();
      await srv.connect();
      const third = await rawRequest(srv.handle.url, {
        method: "POST",
        headers: mcpHeaders(),
        body: INITIALIZE_BODY,
      });
      expect(third.status).toBe(503);
      expect(third.headers["retry-after"]).toBe("5");
      expect(structured(await a.call("clusters_list")).clusters).toHaveLength(3);
      await a.transport.terminateSession();
      await waitFor("a free session slot", () => srv.handle.sessionCount() === 1);
      const fourth = await rawRequest(srv.handle.url, {
        method: "POST",
        headers: mcpHeaders(),
        body: INITIALIZE_BODY,
      });
      expect(fourth.status).toBe(200);
    } finally {
      await srv.close();
    }
  });
});
