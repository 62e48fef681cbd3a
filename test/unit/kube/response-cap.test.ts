// Kubernetes response bodies are capped: a huge answer fails clearly instead of filling memory.
// The server here is a local STUB (plain HTTP) standing in for an apiserver that answers too much.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClusterClient, MAX_RESPONSE_BYTES } from "../../../src/kube/client.js";

describe("response cap (STUB apiserver)", () => {
  let srv: Server;
  let port = 0;
  beforeAll(async () => {
    srv = createServer((req, res) => {
      const size = Number(new URL(req.url ?? "/", "http://x").searchParams.get("size"));
      res.writeHead(200, { "content-type": "application/json" });
      // Written in pieces, as a long list streams in.
      for (let sent = 0; sent < size; sent += 256) res.write("x".repeat(Math.min(256, size - sent)));
      res.end();
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    port = (srv.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => srv.close(() => r())));

  const client = (maxResponseBytes?: number) =>
    createClusterClient({
      name: "stub",
      server: `http://127.0.0.1:${port}`,
      defaultNamespace: "default",
      tls: {},
      headers: async () => ({}),
      defaultTimeoutMs: 5000,
      maxResponseBytes,
    });

  it("defaults to 32 MiB, like the Rancher client", () => {
    expect(MAX_RESPONSE_BYTES).toBe(32 * 1024 * 1024);
  });

  it("passes a body up to the cap and refuses one above it, naming the limit", async () => {
    const c = client(4096);
    try {
      expect((await c.request({ path: "/x", query: { size: 4096 } })).body).toHaveLength(4096);
      await expect(c.request({ path: "/x", query: { size: 4097 } })).rejects.toThrow(
        /exceeded the 4096 bytes response limit/,
      );
      // The client stays usable after a refused answer.
      expect((await c.request({ path: "/x", query: { size: 10 } })).body).toHaveLength(10);
    } finally {
      c.close();
    }
  });
});
