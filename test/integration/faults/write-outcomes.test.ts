// Writes through a fault-injecting TLS proxy in front of a real apiserver: every answer says whether the change was
// made, and the cluster (read directly, not through the proxy) shows that the answer is right.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { type FaultProxy, realWrite, startFaultProxy } from "../../harness/fault-proxy.js";
import { apiRequest } from "../../harness/https.js";
import { writeClusterKubeconfig } from "../../harness/kubeconfig-files.js";
import { freePort } from "../../harness/ports.js";
import {
  admin,
  create,
  deploymentBody,
  freshNamespace,
  replicasOf,
  statusOf,
} from "../../helpers/cluster-api.js";
import { resultText, startTestServer, type TestServer } from "../../helpers/mcp.js";

const cp = inject("controlplane");
const real = cp.clusters[0]!;

describe("write outcomes through a fault-injecting proxy (real apiserver behind it)", () => {
  let proxy: FaultProxy;
  let ts: TestServer;
  let ns: string;
  const call = (tool: string, args: Record<string, unknown>) =>
    ts.call(tool, { cluster: "proxied", ...args });
  const deleteConfigMap = (name: string) =>
    call("resources_delete", { apiVersion: "v1", kind: "ConfigMap", name, namespace: ns });
  const cm = (name: string, data: Record<string, string>) =>
    JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: ns }, data });

  beforeAll(async () => {
    ns = await freshNamespace(real, "faults");
    proxy = await startFaultProxy({ server: real.server, ca: real.ca });
    const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-faults-"));
    const endpoint = { server: proxy.server, caData: Buffer.from(proxy.ca).toString("base64") };
    await writeClusterKubeconfig(join(dir, "proxied.yaml"), {
      name: "proxied",
      ...endpoint,
      token: real.adminToken,
      user: "admin",
    });
    await writeClusterKubeconfig(join(dir, "refused.yaml"), {
      name: "refused",
      server: `https://127.0.0.1:${await freePort()}`,
      caData: endpoint.caData,
      token: real.adminToken,
      user: "admin",
    });
    ts = await startTestServer({ kubeconfig_dir: dir, request_timeout: "3s" });
    // The first call loads the Kubernetes client code; on a busy machine that must not eat a test's 3 s budget.
    expect((await call("namespaces_list", {})).isError).toBeFalsy();
  });
  afterAll(async () => {
    await ts?.close();
    await proxy?.close();
  });

  it("refused before sending: 'nothing was changed', outcome not-applied", async () => {
    await create(real, `/api/v1/namespaces/${ns}/pods`, {
      metadata: { name: "kept" },
      spec: { containers: [{ name: "c", image: "nginx" }] },
    });
    const res = await ts.call("pods_delete", { cluster: "refused", name: "kept", namespace: ns });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(
      /cannot connect to https:\/\/127\.0\.0\.1:\d+: ECONNREFUSED; nothing was changed/,
    );
    expect(res.structuredContent).toMatchObject({ cluster: "refused", outcome: "not-applied" });
    expect(await statusOf(real, `/api/v1/namespaces/${ns}/pods/kept`)).toBe(200);
  });

  it("reset after sending a create: read back once, says it was created (and it was)", async () => {
    proxy.inject({ fault: "reset-after-send", match: realWrite("POST", /\/pods$/) });
    const res = await call("pods_run", { image: "nginx", name: "run-reset", namespace: ns });
    const text = resultText(res);
    expect(res.isError).toBeFalsy();
    expect(text).toMatch(/^Created on cluster 'proxied': Pod .*\/run-reset/);
    expect(text).toMatch(
      /its answer was lost \(the connection to https:\/\/127\.0\.0\.1:\d+ was lost after the request was sent, before an answer came \(ECONNRESET\)\); read back once: Pod .*\/run-reset exists, created during this call by field manager "k8s-mcp\/k8s-mcp-test", so it was created/,
    );
    expect(proxy.fired().map((f) => f.fault)).toContain("reset-after-send");
    expect(await statusOf(real, `/api/v1/namespaces/${ns}/pods/run-reset`)).toBe(200);
    // Retrying now is what the old answer invited: it fails, because the pod exists.
    const again = await call("pods_run", { image: "nginx", name: "run-reset", namespace: ns });
    expect(resultText(again)).toMatch(/409 AlreadyExists/);
  });

  it("reset after sending a delete: read back once, says it was deleted (and it was)", async () => {
    await create(real, `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "del-reset" } });
    proxy.inject({ fault: "reset-after-send", match: realWrite("DELETE", /\/configmaps\/del-reset$/) });
    const res = await deleteConfigMap("del-reset");
    expect(res.isError).toBeFalsy();
    expect(resultText(res)).toMatch(
      /read back once: ConfigMap .*\/del-reset no longer exists, so it was deleted/,
    );
    expect(await statusOf(real, `/api/v1/namespaces/${ns}/configmaps/del-reset`)).toBe(404);
  });

  it("reset after sending an apply: outcome unknown, in text, data and audit (the change was made)", async () => {
    proxy.inject({ fault: "reset-after-send", match: realWrite("PATCH", /\/configmaps\/apply-reset$/) });
    const res = await call("resources_create_or_update", { resource: cm("apply-reset", { k: "v" }) });
    const text = resultText(res);
    expect(res.isError).toBe(true);
    expect(text).toMatch(
      /^resources_create_or_update on cluster 'proxied': the connection to .* was lost after the request was sent, before an answer came \(ECONNRESET\); outcome unknown: the change may have been made\. Try: read the object \(resources_get\) before retrying/,
    );
    expect(text).not.toMatch(/cannot connect/);
    expect(res.structuredContent).toMatchObject({
      applied: [],
      failed: [{ index: 1, kind: "ConfigMap", namespace: ns, name: "apply-reset", outcome: "unknown" }],
      notAttempted: [],
    });
    expect(ts.records.at(-1)).toMatchObject({ tool: "resources_create_or_update", outcome: "unknown" });
    expect(await statusOf(real, `/api/v1/namespaces/${ns}/configmaps/apply-reset`)).toBe(200);
  });

  it("reset mid-body of a read: named as a truncated answer, not 'cannot connect'", async () => {
    proxy.inject({
      fault: "reset-mid-body",
      match: (m, u) => m === "GET" && u.pathname.endsWith("/configmaps/apply-reset"),
    });
    const res = await call("resources_get", {
      apiVersion: "v1",
      kind: "ConfigMap",
      name: "apply-reset",
      namespace: ns,
    });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(
      /^resources_get failed on cluster 'proxied': the response from .* \(status 200\) was truncated: the connection ended after \d+ of \d+ bytes of its body\. Try: retry/,
    );
  });

  it("truncated body of a create (201 seen): the create was made, and the answer says so", async () => {
    proxy.inject({ fault: "truncated-body", match: realWrite("POST", /\/pods$/) });
    const res = await call("pods_run", { image: "nginx", name: "run-trunc", namespace: ns });
    expect(res.isError).toBeFalsy();
    expect(resultText(res)).toMatch(
      /its answer was lost \(the response from .* \(status 201\) was truncated: the connection ended after \d+ of \d+ bytes of its body\); read back once: Pod .*\/run-trunc exists, created during this call/,
    );
    expect(await statusOf(real, `/api/v1/namespaces/${ns}/pods/run-trunc`)).toBe(200);
  });

  it("invalid JSON in a scale's 200: named as not JSON, and says the change was made (it was)", async () => {
    await create(real, `/apis/apps/v1/namespaces/${ns}/deployments`, deploymentBody("web", 1));
    proxy.inject({ fault: "invalid-json", match: realWrite("PATCH", /\/deployments\/web\/scale$/) });
    const res = await call("resources_scale", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "web",
      namespace: ns,
      scale: 2,
    });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(
      /the response from .* \(status 200, \d+ bytes\) is not valid JSON \(.*\); the API server accepted the change, so it was made; only its answer was lost\. Try: read the object \(resources_get\) to see it; do not repeat the change/,
    );
    expect(res.structuredContent).toMatchObject({ outcome: "applied" });
    expect(await replicasOf(real, ns, "web")).toBe(2);
  });

  it("429 with Retry-After: shown with the wait, and nothing applied", async () => {
    proxy.inject({
      fault: "throttle",
      retryAfterSeconds: 7,
      match: (m, u) => m === "PATCH" && u.pathname.endsWith("/configmaps/throttled"),
    });
    const res = await call("resources_create_or_update", { resource: cm("throttled", { k: "v" }) });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(
      /429 TooManyRequests: too many requests, please try again later \(Retry-After: 7 s\)\. Try: the API server is throttling; wait 7 seconds \(its Retry-After\), then retry/,
    );
    expect(await statusOf(real, `/api/v1/namespaces/${ns}/configmaps/throttled`)).toBe(404);
  });

  it("a stall after the headers is named as a stalled response, not 'no answer'", async () => {
    proxy.inject({
      fault: "stall-after-headers",
      match: (m, u) => m === "GET" && u.pathname.endsWith(`/namespaces/${ns}`),
    });
    const res = await call("resources_get", { apiVersion: "v1", kind: "Namespace", name: ns });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(
      /the response from .* stalled: its status \(200\) and headers arrived, then the body stopped after 0 bytes; gave up at the 3000 ms timeout\. Try: retry/,
    );
    expect(resultText(res)).not.toMatch(/no answer/);
  });

  it("reset mid-body of an apply's 2xx: accepted, only the answer lost (and the change is there)", async () => {
    proxy.inject({ fault: "reset-mid-body", match: realWrite("PATCH", /\/configmaps\/apply-mid$/) });
    const res = await call("resources_create_or_update", { resource: cm("apply-mid", { k: "mid" }) });
    const text = resultText(res);
    expect(res.isError).toBeFalsy();
    expect(text).toMatch(
      /^Applied 1 document on cluster 'proxied': ConfigMap .*\/apply-mid\n\(document 1: the response from https:\/\/127\.0\.0\.1:\d+ \(status 201\) was truncated: the connection ended after \d+ of \d+ bytes of its body; the API server accepted the change, so it was made; only its answer was lost\)/,
    );
    expect(res.structuredContent).toMatchObject({
      applied: [{ index: 1, kind: "ConfigMap", namespace: ns, name: "apply-mid" }],
      failed: [],
      notAttempted: [],
    });
    expect(ts.records.at(-1)).toMatchObject({ tool: "resources_create_or_update", outcome: "ok" });
    expect(proxy.fired().map((f) => f.path)).toContainEqual(expect.stringMatching(/apply-mid/));
    expect(text).not.toMatch(/cannot connect/);
    const live = await apiRequest(admin(real), "GET", `/api/v1/namespaces/${ns}/configmaps/apply-mid`);
    expect(live.json<{ data: Record<string, string> }>().data).toEqual({ k: "mid" });
  });

  it("reset mid-body of a create: read back once, says it was created (and it was)", async () => {
    proxy.inject({ fault: "reset-mid-body", match: realWrite("POST", /\/pods$/) });
    const res = await call("pods_run", { image: "nginx", name: "run-mid", namespace: ns });
    const text = resultText(res);
    expect(res.isError).toBeFalsy();
    expect(text).toMatch(
      /^Created on cluster 'proxied': Pod .*\/run-mid\n\(its answer was lost \(the response from https:\/\/127\.0\.0\.1:\d+ \(status 201\) was truncated: the connection ended after \d+ of \d+ bytes of its body\); read back once: Pod .*\/run-mid exists, created during this call by field manager "k8s-mcp\/k8s-mcp-test", so it was created\)/,
    );
    expect(proxy.fired().filter((f) => f.fault === "reset-mid-body" && f.method === "POST")).toHaveLength(1);
    expect(await statusOf(real, `/api/v1/namespaces/${ns}/pods/run-mid`)).toBe(200);
  });

  it("reset mid-body of a delete: read back once, says it was deleted (and only that object was)", async () => {
    await create(real, `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "del-mid" } });
    await create(real, `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "del-mid-kept" } });
    proxy.inject({ fault: "reset-mid-body", match: realWrite("DELETE", /\/configmaps\/del-mid$/) });
    const res = await deleteConfigMap("del-mid");
    expect(res.isError).toBeFalsy();
    expect(resultText(res)).toMatch(
      /^Deleted ConfigMap .*\/del-mid on cluster 'proxied' .*\n\(its answer was lost \(the response from https:\/\/127\.0\.0\.1:\d+ \(status 200\) was truncated: the connection ended after \d+ of \d+ bytes of its body\); read back once: ConfigMap .*\/del-mid no longer exists, so it was deleted\)/,
    );
    expect(await statusOf(real, `/api/v1/namespaces/${ns}/configmaps/del-mid`)).toBe(404);
    expect(await statusOf(real, `/api/v1/namespaces/${ns}/configmaps/del-mid-kept`)).toBe(200);
  });

  it("cancelled by the client while the proxy holds an apply's answer: audited as outcome unknown", async () => {
    proxy.inject({ fault: "hold-answer", match: realWrite("PATCH", /\/configmaps\/apply-cancel$/) });
    const controller = new AbortController();
    const before = ts.records.length;
    const pending = ts.client
      .callTool(
        {
          name: "resources_create_or_update",
          arguments: { cluster: "proxied", resource: cm("apply-cancel", { k: "c" }) },
        },
        { signal: controller.signal },
      )
      .catch((err: unknown) => err);
    // The apiserver has applied it (read directly), while its answer is still held by the proxy.
    await vi.waitFor(async () =>
      expect(await statusOf(real, `/api/v1/namespaces/${ns}/configmaps/apply-cancel`)).toBe(200),
    );
    expect(ts.records.length).toBe(before);
    controller.abort();
    // No answer comes for a cancelled request (MCP): the client sees its own cancellation.
    expect(String(await pending)).toMatch(/AbortError/);
    await vi.waitFor(() =>
      expect(ts.records.slice(before).some((r) => r.tool === "resources_create_or_update")).toBe(true),
    );
    const rec = ts.records.slice(before).find((r) => r.tool === "resources_create_or_update");
    expect(rec).toMatchObject({ cluster: "proxied", outcome: "unknown" });
    expect(rec?.error).toBe(
      "resources_create_or_update on cluster 'proxied': request cancelled after it was sent; outcome unknown: the change may have been made. Try: read the object (resources_get) before retrying",
    );
    // What the apiserver applied is what was asked, nothing more; the server serves the next call.
    const live = await apiRequest(admin(real), "GET", `/api/v1/namespaces/${ns}/configmaps/apply-cancel`);
    expect(live.json<{ data: Record<string, string> }>().data).toEqual({ k: "c" });
    const next = await call("resources_get", {
      apiVersion: "v1",
      kind: "ConfigMap",
      name: "apply-cancel",
      namespace: ns,
    });
    expect(next.isError).toBeFalsy();
  });
});
