// Graceful shutdown: stop accepting, let an in-flight call finish (bounded), close sessions, stop.
import type { CallToolResult } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  type Blackhole,
  rawRequest,
  startHttpTestServer,
  structured,
  waitFor,
  withBlackhole,
} from "./helpers.js";

const cp = inject("controlplane");

describe("HTTP graceful shutdown", () => {
  let hole: Blackhole;
  beforeAll(async () => {
    hole = await withBlackhole(cp);
  });
  afterAll(async () => {
    await hole.close();
  });

  it("finishes an in-flight call, refuses new work, then stops", async () => {
    const srv = await startHttpTestServer({ kubeconfig_dir: hole.kubeconfigDir });
    const a = await srv.connect();
    const idle = await srv.connect();
    await idle.call("clusters_switch", { cluster: "c1-sv5" });
    const before = hole.connections();
    const inFlight = a.client.callTool(
      { name: "clusters_status", arguments: { clusters: ["blackhole"], timeout_seconds: 2 } },
      { timeout: 15_000 },
    ) as Promise<CallToolResult>;
    await waitFor("the call to reach the hanging apiserver", () => hole.connections() > before);

    const closing = srv.handle.close();
    let stopped = false;
    void srv.handle.closed.then(() => {
      stopped = true;
    });
    // New connections are refused while the call is still running.
    await expect(rawRequest(srv.handle.url, { path: "/healthz" })).rejects.toThrow(/ECONNREFUSED/);
    expect(stopped).toBe(false);

    const result = await inFlight;
    expect(result.isError).toBeFalsy();
    expect(structured(result)).toMatchObject({ ok: 0, total: 1 });
    // It ran to its own 2 s deadline (clusters_status labels that deadline "timeout" or "cancelled").
    expect(Number(structured(result).elapsedMs)).toBeGreaterThanOrEqual(1_900);
    const rows = structured(result).clusters as Array<{ cluster: string; status: string }>;
    expect(rows[0]?.cluster).toBe("blackhole");
    expect(["timeout", "cancelled"]).toContain(rows[0]?.status);

    await closing;
    await srv.handle.closed;
    expect(srv.handle.sessionCount()).toBe(0);
    expect(srv.deps.sessions.size).toBe(0);
    expect(srv.logs.join("")).toMatch(/waiting for in-flight requests count=1/);
    expect(srv.logs.join("")).toContain("HTTP server stopped");
    await srv.close();
  });

  it("bounds the wait: a call longer than the grace period is cut off", async () => {
    const srv = await startHttpTestServer({ kubeconfig_dir: hole.kubeconfigDir }, { shutdownGraceMs: 300 });
    const a = await srv.connect();
    const before = hole.connections();
    const inFlight = a.call("clusters_status", { clusters: ["blackhole"], timeout_seconds: 30 }).then(
      () => "answered",
      () => "cut off",
    );
    await waitFor("the call to reach the hanging apiserver", () => hole.connections() > before);
    const closeStarted = Date.now();
    await srv.handle.close();
    // The 30 s call did not hold shutdown beyond the 300 ms grace period (plus teardown).
    expect(Date.now() - closeStarted).toBeLessThan(3_000);
    expect(srv.logs.join("")).toMatch(/did not finish in time; closing them count=1/);
    expect(srv.deps.sessions.size).toBe(0);
    // The server dropped the stream without an answer; the client gives up when it closes.
    await a.client.close();
    expect(await inFlight).toBe("cut off");
    await srv.close();
  });
});
