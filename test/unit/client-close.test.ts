// Replacing a cluster's client (new credentials) must not cut requests already in flight.
import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { createClusterClient } from "../../src/kube/client.js";

describe("ClusterClient.close", () => {
  it("lets requests in flight finish, then releases the connections", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let arrived: () => void = () => {};
    const reached = new Promise<void>((r) => {
      arrived = r;
    });
    const srv = createServer(async (_req, res) => {
      arrived();
      await gate;
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const addr = srv.address();
    const port = typeof addr === "object" && addr ? addr.port : 0;
    const client = createClusterClient({
      name: "local",
      server: `http://127.0.0.1:${port}`,
      defaultNamespace: "default",
      tls: {},
      headers: async () => ({}),
      defaultTimeoutMs: 5000,
    });
    const pending = client.json<{ ok: boolean }>({ path: "/slow" });
    await reached;
    client.close();
    release();
    await expect(pending).resolves.toEqual({ ok: true });
    await new Promise<void>((r) => srv.close(() => r())); // closes only once the client let its socket go
  });
});
