// Response bodies are decoded chunk by chunk: a multi-byte UTF-8 character split across chunks must survive.
// The server here is a local STUB (plain HTTP) that writes one byte per chunk, the worst split there is.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClusterClient } from "../../../src/kube/client.js";

const TEXT = '{"note":"caf\u00e9 \u2603 \u{1F600} \uFEFF end"}';

describe("response decoding (STUB apiserver)", () => {
  let srv: Server;
  let port = 0;
  beforeAll(async () => {
    srv = createServer(async (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const bytes = Buffer.from(`\uFEFF${TEXT}`, "utf8");
      for (const b of bytes) {
        res.write(Buffer.from([b]));
        // Let each byte leave as its own chunk.
        await new Promise<void>((r) => setImmediate(r));
      }
      res.end();
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    port = (srv.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => srv.close(() => r())));

  it("decodes characters split across chunks exactly as one Buffer would, BOM included", async () => {
    const c = createClusterClient({
      name: "stub",
      server: `http://127.0.0.1:${port}`,
      defaultNamespace: "default",
      tls: {},
      headers: async () => ({}),
      defaultTimeoutMs: 5000,
    });
    try {
      const body = (await c.request({ path: "/x" })).body;
      expect(body).toBe(Buffer.from(`\uFEFF${TEXT}`, "utf8").toString("utf8"));
      expect(body.slice(1)).toBe(TEXT);
    } finally {
      c.close();
    }
  });
});
