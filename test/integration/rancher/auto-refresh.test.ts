// auto_refresh against the Rancher API STUB: no network before the first tick, refreshes on the interval,
// and a stalled refresh never blocks tool calls.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { RancherStatus } from "../../../src/rancher/status.js";
import { type RancherStub, startRancherStub } from "../../stubs/rancher-api.js";
import {
  haystack,
  rancherToken,
  startRancherServer,
  structured,
  stubClusters,
  tempDir,
  waitFor,
} from "./helpers.js";

const cp = inject("controlplane");
const TOKEN = rancherToken();

describe("auto_refresh (Rancher API stub)", () => {
  let stub: RancherStub;
  beforeAll(async () => {
    stub = await startRancherStub({ token: TOKEN, clusters: stubClusters(cp.clusters, (c) => c.adminToken) });
  });
  afterAll(async () => {
    await stub?.close();
  });

  it("refreshes on refresh_interval in the background without blocking tool calls", async () => {
    const requestsBefore = stub.calls.cacerts + stub.calls.pages + stub.calls.withAuth;
    const ts = await startRancherServer(await tempDir(), {
      rancher_url: stub.url,
      rancher_token: TOKEN,
      driver: "rancher-api",
      auto_refresh: true,
      refresh_interval: "2s",
    });
    try {
      const initial = structured<RancherStatus>(await ts.call("nsk_status"));
      expect(stub.calls.cacerts + stub.calls.pages + stub.calls.withAuth).toBe(requestsBefore);
      expect(initial.autoRefresh).toBe(true);
      expect(Date.parse(initial.nextRefreshAt ?? "")).toBeGreaterThan(Date.now());

      await waitFor("the first automatic refresh", () => ts.deps.clusters.names().length === 3);
      await waitFor("the refresh to be recorded", async () =>
        Boolean(structured<RancherStatus>(await ts.call("nsk_status")).lastRefresh),
      );
      const after = structured<RancherStatus>(await ts.call("nsk_status"));
      expect(after.lastRefresh).toMatchObject({ trigger: "auto", outcome: "ok", counts: { added: 3 } });

      const stalled = stub.stallNextGenerate();
      await stalled; // the second tick regenerates (files are now older than the fresh window) and hangs
      const started = Date.now();
      const list = structured<{ clusters: unknown[] }>(await ts.call("clusters_list"));
      const status = structured<RancherStatus>(await ts.call("nsk_status"));
      expect(Date.now() - started).toBeLessThan(1000);
      expect(list.clusters).toHaveLength(3);
      expect(status.refreshing).toBe(true);
      const all = await haystack(ts);
      expect(all).not.toContain(TOKEN);
    } finally {
      await ts.close();
    }
  });
});
