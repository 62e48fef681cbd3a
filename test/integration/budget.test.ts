// One budget: max_output_bytes bounds a result's text and structuredContent together, for objects as for lists.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { apiRequest } from "../harness/https.js";
import { admin, create, freshNamespace } from "../helpers/cluster-api.js";
import { resultText, startTestServer, type TestServer } from "../helpers/mcp.js";

const cp = inject("controlplane");
const [sv5] = cp.clusters;

describe("max_output_bytes bounds text and structuredContent together", () => {
  let ts: TestServer;
  let ns: string;
  beforeAll(async () => {
    ns = await freshNamespace(sv5!, "budget");
    // ~200 KB of data in one ConfigMap.
    const data = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, `v${i}-`.repeat(1000)]));
    await create(sv5!, `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "big" }, data });
    ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, max_output_bytes: 6000 });
  });
  afterAll(async () => ts?.close());

  it("shortens a 200 KB object the same way in both forms, with a note on how to narrow", async () => {
    const r = await ts.call("resources_get", {
      cluster: "c1-sv5",
      apiVersion: "v1",
      kind: "ConfigMap",
      namespace: ns,
      name: "big",
    });
    expect(r.isError, resultText(r)).toBeFalsy();
    const text = resultText(r);
    const total = Buffer.byteLength(text) + Buffer.byteLength(JSON.stringify(r.structuredContent));
    expect(total).toBeLessThanOrEqual(6000);
    expect(text).toMatch(/output truncated/);
    expect(text).toMatch(/structuredContent shortened to fit max_output_bytes/);
    // Still the object's shape (the SDK validated it against the outputSchema): names kept whole, values cut.
    const object = (
      r.structuredContent as { object: { metadata: { name: string }; data: Record<string, string> } }
    ).object;
    expect(object.metadata.name).toBe("big");
    expect(object.data.k0).toMatch(/more characters cut\]$/);
  });

  it("shortens a 200 KB applied object the same way, and the object is applied whole", async () => {
    const data = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, `w${i}-`.repeat(1000)]));
    const manifest = JSON.stringify({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "big-applied", namespace: ns },
      data,
    });
    const r = await ts.call("resources_create_or_update", { cluster: "c1-sv5", resource: manifest });
    expect(r.isError, resultText(r)).toBeFalsy();
    const text = resultText(r);
    const total = Buffer.byteLength(text) + Buffer.byteLength(JSON.stringify(r.structuredContent));
    expect(total).toBeLessThanOrEqual(6000);
    expect(text).toMatch(/output truncated/);
    expect(text).toMatch(/structuredContent shortened to fit max_output_bytes/);
    expect(JSON.stringify(r.structuredContent)).toMatch(/more characters cut\]/);
    // Only the answer is shortened: the cluster holds every value.
    const live = await apiRequest(admin(sv5!), "GET", `/api/v1/namespaces/${ns}/configmaps/big-applied`);
    expect((JSON.parse(live.body) as { data: Record<string, string> }).data).toEqual(data);
  });
});
