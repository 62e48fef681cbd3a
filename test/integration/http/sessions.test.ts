// Per-session active clusters over Streamable HTTP, and freeing session state on DELETE and idle timeout.
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, inject, it } from "vitest";
import { apiRequest } from "../../harness/https.js";
import { resultText } from "../../helpers/mcp.js";
import {
  type HttpTestServer,
  LIST_CALL,
  mcpHeaders,
  rawRequest,
  startHttpTestServer,
  structured,
  waitFor,
  withBlackhole,
} from "./helpers.js";

const cp = inject("controlplane");
const serverOf = (name: string): string => cp.clusters.find((c) => c.name === name)?.server ?? "";

describe("HTTP sessions", () => {
  let srv: HttpTestServer | undefined;
  afterEach(async () => {
    await srv?.close();
    srv = undefined;
  });

  it("gives each concurrent session its own active cluster", async () => {
    srv = await startHttpTestServer({ kubeconfig_dir: cp.kubeconfigDir, default_cluster: "c1-dfw1" });
    const [a, b] = await Promise.all([srv.connect(), srv.connect()]);
    expect(a!.transport.sessionId).toBeTruthy();
    expect(a!.transport.sessionId).not.toBe(b!.transport.sessionId);

    const [sa, sb] = await Promise.all([
      a!.call("clusters_switch", { cluster: "c1-sv5" }),
      b!.call("clusters_switch", { cluster: "c1-lax1" }),
    ]);
    expect(sa.isError).toBeFalsy();
    expect(structured(sa)).toMatchObject({ active: "c1-sv5", previous: "c1-dfw1" });
    expect(structured(sb)).toMatchObject({ active: "c1-lax1", previous: "c1-dfw1" });

    const [la, lb] = await Promise.all([a!.call("clusters_list"), b!.call("clusters_list")]);
    expect(structured(la).active).toBe("c1-sv5");
    expect(structured(lb).active).toBe("c1-lax1");

    // A cluster-aware call without `cluster` goes to each session's own real apiserver.
    const [wa, wb] = await Promise.all([a!.call("test_whoami"), b!.call("test_whoami")]);
    expect(wa.isError).toBeFalsy();
    expect(structured(wa)).toMatchObject({ cluster: "c1-sv5", server: serverOf("c1-sv5") });
    expect(structured(wb)).toMatchObject({ cluster: "c1-lax1", server: serverOf("c1-lax1") });
    expect(String(structured(wa).version)).toMatch(/^v1\./);

    // The product's own namespaces_list, without `cluster`, lists each session's own cluster: a namespace that
    // exists only on c1-sv5 is seen by session A only.
    const only = `http-iso-${randomBytes(4).toString("hex")}`;
    const c1 = cp.clusters.find((x) => x.name === "c1-sv5")!;
    const created = await apiRequest(
      { server: c1.server, ca: c1.ca, token: c1.adminToken },
      "POST",
      "/api/v1/namespaces",
      {
        metadata: { name: only },
      },
    );
    expect(created.status).toBe(201);
    const [na, nb] = await Promise.all([a!.call("namespaces_list"), b!.call("namespaces_list")]);
    expect(na.isError).toBeFalsy();
    expect(nb.isError).toBeFalsy();
    expect(resultText(na)).toContain(only);
    expect(resultText(nb)).toContain("kube-system");
    expect(resultText(nb)).not.toContain(only);

    // A third session is untouched by both switches.
    const c = await srv.connect();
    expect(structured(await c.call("clusters_list")).active).toBe("c1-dfw1");
    expect(structured(await c.call("test_whoami")).cluster).toBe("c1-dfw1");
    // And an explicit `cluster` still overrides the session's choice.
    expect(structured(await a!.call("test_whoami", { cluster: "c1-dfw1" })).cluster).toBe("c1-dfw1");
    expect(structured(await a!.call("clusters_list")).active).toBe("c1-sv5");
  });

  it("frees a session's state when the client DELETEs it", async () => {
    srv = await startHttpTestServer({ kubeconfig_dir: cp.kubeconfigDir });
    const a = await srv.connect();
    const b = await srv.connect();
    await a.call("clusters_switch", { cluster: "c1-lax1" });
    await b.call("clusters_switch", { cluster: "c1-sv5" });
    expect(srv.deps.sessions.size).toBe(2);
    expect(srv.handle.sessionCount()).toBe(2);

    const deletedId = a.transport.sessionId ?? "";
    await a.transport.terminateSession();
    const s = srv;
    await waitFor("session A to be freed", () => s.deps.sessions.size === 1 && s.handle.sessionCount() === 1);
    expect(srv.logs.join("")).toMatch(/HTTP session closed.*reason="deleted by client"/);
    // The other session is unaffected.
    expect(structured(await b.call("clusters_list")).active).toBe("c1-sv5");
    // The deleted session id is now unknown.
    const again = await rawRequest(s.handle.url, {
      method: "POST",
      headers: mcpHeaders({ "mcp-session-id": deletedId }),
      body: LIST_CALL,
    });
    expect(again.status).toBe(404);
  });

  it("closes idle sessions and frees their state, but never during an active call", async () => {
    const hole = await withBlackhole(cp);
    try {
      srv = await startHttpTestServer({ kubeconfig_dir: hole.kubeconfigDir }, { idleTimeoutMs: 1_500 });
      const s = srv;
      const a = await s.connect();
      await a.call("clusters_switch", { cluster: "c1-dfw1" });
      expect(s.deps.sessions.size).toBe(1);
      await waitFor("the idle session to be freed", () => s.deps.sessions.size === 0, 5_000);
      expect(s.handle.sessionCount()).toBe(0);
      expect(s.logs.join("")).toMatch(/HTTP session closed.*reason="idle timeout"/);
      await expect(a.call("clusters_list")).rejects.toMatchObject({ data: { status: 404 } });

      // A call that runs 4x longer than the idle timeout keeps its session alive until it is answered.
      const b = await s.connect();
      await b.call("clusters_switch", { cluster: "c1-lax1" });
      const started = Date.now();
      const r = await b.call("clusters_status", { clusters: ["blackhole"], timeout_seconds: 6 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(5_900);
      expect(r.isError).toBeFalsy();
      expect(structured(r)).toMatchObject({ ok: 0, total: 1 });
      expect(structured(await b.call("clusters_list")).active).toBe("c1-lax1");
      await waitFor("the second idle session to be freed", () => s.deps.sessions.size === 0, 5_000);
    } finally {
      await srv?.close();
      srv = undefined;
      await hole.close();
    }
  });
});
