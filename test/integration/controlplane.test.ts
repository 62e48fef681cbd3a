// Smoke tests proving the test control plane is real: isolated clusters, RBAC, CRDs.
import { randomBytes } from "node:crypto";
import { describe, expect, inject, it, vi } from "vitest";
import { type ApiTarget, apiRequest } from "../harness/https.js";
import { crdBody } from "../helpers/cluster-api.js";

const cp = inject("controlplane");
const admin = (i: number): ApiTarget => {
  const c = cp.clusters[i]!;
  return { server: c.server, ca: c.ca, token: c.adminToken };
};

describe("test control plane", () => {
  it("runs three clusters with distinct endpoints", async () => {
    expect(cp.clusters.map((c) => c.name)).toEqual(["c1-sv5", "c1-lax1", "c1-dfw1"]);
    expect(new Set(cp.clusters.map((c) => c.server)).size).toBe(3);
    for (let i = 0; i < 3; i++) {
      const res = await apiRequest(admin(i), "GET", "/version");
      expect(res.status).toBe(200);
      expect(res.json<{ gitVersion: string }>().gitVersion).toMatch(/^v1\.\d+\.\d+/);
    }
  });

  it("keeps clusters isolated: a namespace created on A is absent on B", async () => {
    const name = `iso-${randomBytes(4).toString("hex")}`;
    const created = await apiRequest(admin(0), "POST", "/api/v1/namespaces", { metadata: { name } });
    expect(created.status).toBe(201);
    expect((await apiRequest(admin(0), "GET", `/api/v1/namespaces/${name}`)).status).toBe(200);
    expect((await apiRequest(admin(1), "GET", `/api/v1/namespaces/${name}`)).status).toBe(404);
  });

  it("enforces RBAC: the read-only identity can read but gets 403 on create", async () => {
    const c = cp.clusters[2]!;
    const viewer = { server: c.server, ca: c.ca, token: c.viewerToken };
    expect((await apiRequest(viewer, "GET", "/api/v1/namespaces/default/configmaps")).status).toBe(200);
    const res = await apiRequest(viewer, "POST", "/api/v1/namespaces", { metadata: { name: "nope" } });
    expect(res.status).toBe(403);
    expect(res.json<{ reason: string }>().reason).toBe("Forbidden");
  });

  it("rejects an unknown token with 401", async () => {
    const c = cp.clusters[0]!;
    const res = await apiRequest({ server: c.server, ca: c.ca, token: "wrong" }, "GET", "/api/v1/namespaces");
    expect(res.status).toBe(401);
  });

  it("serves a CRD once installed", async () => {
    const group = "fleet.k8s-mcp.test";
    const crd = crdBody(group, "widgets", "Widget");
    const target = admin(1);
    const res = await apiRequest(
      target,
      "POST",
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
      crd,
    );
    expect([201, 409]).toContain(res.status);
    const path = `/apis/${group}/v1/namespaces/default/widgets`;
    // The CRD becomes servable asynchronously: wait for the condition, bounded.
    await vi.waitFor(async () => expect((await apiRequest(target, "GET", path)).status).toBe(200), {
      timeout: 20_000,
      interval: 100,
    });
    const w = await apiRequest(target, "POST", path, {
      apiVersion: `${group}/v1`,
      kind: "Widget",
      metadata: { name: "w1" },
    });
    expect(w.status).toBe(201);
    expect((await apiRequest(admin(0), "GET", path)).status).toBe(404);
  });
});
