// 100 concurrent tool calls over HTTP, spread over several sessions on different real clusters.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type HttpTestServer, startHttpTestServer, structured, type TestClient } from "./helpers.js";

const cp = inject("controlplane");
const SESSIONS = 10;
const CALLS = 100;

describe("HTTP under concurrency", () => {
  let srv: HttpTestServer;
  let clients: TestClient[];
  beforeAll(async () => {
    srv = await startHttpTestServer({ kubeconfig_dir: cp.kubeconfigDir });
    clients = await Promise.all(Array.from({ length: SESSIONS }, () => srv.connect()));
    await Promise.all(
      clients.map((c, i) => c.call("clusters_switch", { cluster: cp.clusters[i % 3]!.name })),
    );
  });
  afterAll(async () => {
    await srv.close();
  });

  it("answers 100 concurrent calls correctly, each in its own session's context", async () => {
    const jobs = Array.from({ length: CALLS }, async (_, i) => {
      const s = i % SESSIONS;
      const expected = cp.clusters[s % 3]!;
      const client = clients[s]!;
      switch (i % 3) {
        case 0: {
          const r = await client.call("clusters_list");
          return { ok: !r.isError && structured(r).active === expected.name, i };
        }
        case 1: {
          const r = await client.call("test_whoami");
          const body = structured(r);
          return { ok: !r.isError && body.cluster === expected.name && body.server === expected.server, i };
        }
        default: {
          const other = cp.clusters[(s + 1) % 3]!;
          const r = await client.call("clusters_status", { clusters: [other.name] });
          const rows = structured(r).clusters as Array<{ cluster: string; status: string }>;
          return {
            ok: !r.isError && rows.length === 1 && rows[0]?.cluster === other.name && rows[0].status === "ok",
            i,
          };
        }
      }
    });
    const results = await Promise.all(jobs);
    expect(results.filter((r) => !r.ok).map((r) => r.i)).toEqual([]);
    expect(results).toHaveLength(CALLS);
    expect(srv.handle.sessionCount()).toBe(SESSIONS);
    expect(srv.deps.sessions.size).toBe(SESSIONS);
  });
});
