// Honest outcomes: a fan-out where no cluster succeeded is isError; audit records say timeout and cancelled.
// Broken clusters are real endpoints: a refusing port, a hanging TCP server, a bad token, a wrong CA.
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { type FleetDir, makeFleetDir } from "../../helpers/fleet.js";
import { resultText, startTestServer, structured, type TestServer } from "../../helpers/mcp.js";

const cp = inject("controlplane");

function until<T>(what: string, get: () => T | undefined): Promise<T> {
  return vi.waitFor(
    () => {
      const v = get();
      if (v === undefined) throw new Error(`timed out waiting for ${what}`);
      return v;
    },
    { timeout: 10_000, interval: 10 },
  );
}

describe("fan-out and audit outcomes", () => {
  let fleet: FleetDir;
  let ts: TestServer;
  beforeAll(async () => {
    fleet = await makeFleetDir(cp);
    ts = await startTestServer({ kubeconfig_dir: fleet.dir, request_timeout: "2s" });
  });
  afterAll(async () => {
    await ts?.close();
    await fleet?.close();
  });

  it("a fan-out that failed on every cluster is isError; one success makes it a partial result", async () => {
    const all = await ts.call("clusters_exec_all", {
      operation: "namespaces_list",
      clusters: ["refused", "badtoken", "badca"],
    });
    expect(all.isError).toBe(true);
    expect(resultText(all)).toMatch(/^namespaces_list on 3 clusters: 0\/3 ok, 3 failed/);
    expect(resultText(all)).toMatch(/=== badtoken: error/);
    // The failed call still carries every leg, structured.
    const legs = structured(all).results as { cluster: string; status: string }[];
    expect(legs.map((l) => [l.cluster, l.status])).toEqual([
      ["refused", "error"],
      ["badtoken", "error"],
      ["badca", "error"],
    ]);
    const fanRecord = ts.records.filter((r) => r.tool === "clusters_exec_all").at(-1);
    expect(fanRecord?.outcome).toBe("error");
    const some = await ts.call("clusters_exec_all", {
      operation: "namespaces_list",
      clusters: ["refused", "c1-sv5"],
    });
    expect(some.isError).toBeFalsy();
    expect(structured(some).summary).toMatch(/1\/2 ok, 1 failed/);
  });

  it("a leg cut off by timeout_seconds is recorded as timeout, not error or cancelled", async () => {
    const res = await ts.call("clusters_exec_all", {
      operation: "namespaces_list",
      clusters: ["hanging", "c1-sv5"],
      timeout_seconds: 0.5,
    });
    const legs = structured(res).results as { cluster: string; status: string }[];
    expect(legs.find((l) => l.cluster === "hanging")?.status).toBe("timeout");
    const fanoutId = structured(res).fanoutId;
    const leg = await until("the hanging leg's record", () =>
      ts.records.find((r) => r.fanoutId === fanoutId && r.cluster === "hanging"),
    );
    expect(leg.outcome).toBe("timeout");
    expect(ts.records.find((r) => r.fanoutId === fanoutId && r.cluster === "c1-sv5")?.outcome).toBe("ok");
    expect(ts.logs.some((l) => /tool call .*cluster=hanging .*outcome=timeout/.test(l))).toBe(true);
  });

  it("a call that hits request_timeout is recorded as timeout", async () => {
    const res = await ts.call("namespaces_list", { cluster: "hanging" });
    expect(res.isError).toBe(true);
    const rec = await until("the record", () =>
      ts.records.filter((r) => r.tool === "namespaces_list" && r.cluster === "hanging").at(-1),
    );
    expect(rec.outcome).toBe("timeout");
  });

  it("a call the client cancels is recorded as cancelled", async () => {
    const controller = new AbortController();
    const before = ts.records.length;
    // A connection of this call (an earlier test may have left one open): the call is in flight when aborted.
    const opened = fleet.hanging.open();
    const pending = ts.client.callTool(
      { name: "pods_list", arguments: { cluster: "hanging" } },
      {
        signal: controller.signal,
      },
    );
    await until("the connection", () => (fleet.hanging.open() > opened ? true : undefined));
    controller.abort();
    await expect(pending).rejects.toThrow();
    const rec = await until("the record", () => ts.records.slice(before).find((r) => r.tool === "pods_list"));
    expect(rec.outcome).toBe("cancelled");
  });
});
