// Bearer-token authentication, DNS-rebinding Host/Origin checks and /healthz over real HTTP.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  connectClient,
  type HttpTestServer,
  INITIALIZE_BODY,
  mcpHeaders,
  rawRequest,
  startHttpTestServer,
  structured,
} from "./helpers.js";

const cp = inject("controlplane");
const TOKEN = "s3cret-test-token-0123456789";

describe("HTTP authentication", () => {
  let srv: HttpTestServer;
  beforeAll(async () => {
    srv = await startHttpTestServer(
      { kubeconfig_dir: cp.kubeconfigDir, http_token: TOKEN },
      { token: TOKEN },
    );
  });
  afterAll(async () => {
    await srv.close();
  });

  it("answers 401 with a Bearer challenge without a token", async () => {
    const res = await rawRequest(srv.handle.url, {
      method: "POST",
      headers: mcpHeaders({ host: `127.0.0.1:${srv.handle.port}` }),
      body: INITIALIZE_BODY,
    });
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toMatch(/^Bearer realm="k8s-mcp"$/);
    expect(JSON.parse(res.body)).toMatchObject({ jsonrpc: "2.0", error: { code: -32000 }, id: null });
    await expect(connectClient(srv.handle.url)).rejects.toMatchObject({ data: { status: 401 } });
  });

  it("answers 401 to a wrong token, a wrong scheme and an empty token", async () => {
    for (const authorization of [
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Basic ${TOKEN}`,
      "Bearer ",
    ]) {
      const res = await rawRequest(srv.handle.url, {
        method: "POST",
        headers: mcpHeaders({ authorization }),
        body: INITIALIZE_BODY,
      });
      expect(res.status, authorization).toBe(401);
    }
    const wrong = await rawRequest(srv.handle.url, {
      method: "POST",
      headers: mcpHeaders({ authorization: "Bearer nope" }),
      body: INITIALIZE_BODY,
    });
    expect(wrong.headers["www-authenticate"]).toContain('error="invalid_token"');
    await expect(connectClient(srv.handle.url, "wrong-token")).rejects.toMatchObject({
      data: { status: 401 },
    });
  });

  it("serves MCP with the right token (200) and never logs it", async () => {
    const raw = await rawRequest(srv.handle.url, {
      method: "POST",
      headers: mcpHeaders({ authorization: `bearer ${TOKEN}` }),
      body: INITIALIZE_BODY,
    });
    expect(raw.status).toBe(200);
    expect(raw.headers["mcp-session-id"]).toBeTruthy();
    expect(raw.body).toContain('"serverInfo"');

    const c = await srv.connect(TOKEN);
    const list = await c.call("clusters_list");
    expect(structured(list).clusters).toHaveLength(3);
    expect(srv.logs.join("")).not.toContain(TOKEN);
  });

  it("serves /healthz and /readyz (the chart's probes) without authentication", async () => {
    for (const path of ["/healthz", "/readyz"]) {
      const res = await rawRequest(srv.handle.url, { path });
      expect(res.status).toBe(200);
      expect(res.body.trim()).toBe("ok");
    }
  });
});

describe("HTTP Host/Origin checks (DNS rebinding)", () => {
  let srv: HttpTestServer;
  beforeAll(async () => {
    srv = await startHttpTestServer({ kubeconfig_dir: cp.kubeconfigDir });
  });
  afterAll(async () => {
    await srv.close();
  });

  it("rejects a foreign Host with 403 before anything else", async () => {
    for (const host of [
      "evil.example.com",
      `evil.example.com:${srv.handle.port}`,
      "127.0.0.1",
      `127.0.0.1:${srv.handle.port + 1}`,
      "localhost.evil.com",
    ]) {
      const res = await rawRequest(srv.handle.url, {
        method: "POST",
        headers: mcpHeaders({ host }),
        body: INITIALIZE_BODY,
      });
      expect(res.status, host).toBe(403);
      expect(JSON.parse(res.body).error.message).toMatch(/Host header not allowed/);
    }
    expect(srv.handle.sessionCount()).toBe(0);
  });

  it("rejects a foreign Origin with 403", async () => {
    const res = await rawRequest(srv.handle.url, {
      method: "POST",
      headers: mcpHeaders({ origin: "http://evil.example.com" }),
      body: INITIALIZE_BODY,
    });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.message).toMatch(/Origin not allowed/);
  });

  it("accepts loopback names with the server's port, and a matching Origin", async () => {
    const port = srv.handle.port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const res = await rawRequest(srv.handle.url, {
        method: "POST",
        headers: mcpHeaders({ host, origin: `http://localhost:${port}` }),
        body: INITIALIZE_BODY,
      });
      expect(res.status, host).toBe(200);
    }
  });
});
