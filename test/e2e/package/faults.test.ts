// The INSTALLED package's bin behind a fault-injecting TLS proxy in front of a real apiserver (the kubeconfig's
// server is the proxy): what each damaged answer makes the shipped server say, checked on the cluster directly.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type FaultProxy, realWrite, startFaultProxy } from "../../harness/fault-proxy.js";
import { writeClusterKubeconfig } from "../../harness/kubeconfig-files.js";
import { create, deploymentBody, freshNamespace, replicasOf, statusOf } from "../../helpers/cluster-api.js";
import { installedPackage } from "../../helpers/installed-package.js";
import { resultText } from "../../helpers/mcp.js";

const cp = inject("controlplane");
const real = cp.clusters[0]!;

describe("installed package behind a fault-injecting proxy (real apiserver behind it)", () => {
  let proxy: FaultProxy;
  let client: Client;
  let ns: string;
  let stderr = "";
  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: { cluster: "proxied", ...args } })) as CallToolResult;

  beforeAll(async () => {
    const [pkg, namespace, started] = await Promise.all([
      installedPackage(cp.root),
      freshNamespace(real, "pkgfaults"),
      startFaultProxy({ server: real.server, ca: real.ca }),
    ]);
    ns = namespace;
    proxy = started;
    const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-pkgfaults-"));
    const home = await mkdtemp(join(tmpdir(), "k8s-mcp-pkgfaults-home-"));
    await writeClusterKubeconfig(join(dir, "proxied.yaml"), {
      name: "proxied",
      server: proxy.server,
      caData: Buffer.from(proxy.ca).toString("base64"),
      token: real.adminToken,
      user: "admin",
    });
    const config = join(home, "k8s-mcp.toml");
    await writeFile(config, `kubeconfig_dir = "${dir}"\nrequest_timeout = "3s"\n`);
    const transport = new StdioClientTransport({
      command: pkg.bin,
      args: ["--config", config],
      env: { PATH: process.env.PATH ?? "", HOME: home },
      cwd: home,
      stderr: "pipe",
    });
    transport.stderr?.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    client = new Client({ name: "k8s-mcp-faults-e2e", version: "1.0.0" });
    await client.connect(transport);
    // The first call loads the Kubernetes client code: it must not eat a later test's 3 s budget.
    const first = await call("namespaces_list", {});
    expect(first.isError, `${resultText(first)}\n${stderr}`).toBeFalsy();
  }, 300_000);
  afterAll(async () => {
    await client?.close();
    await proxy?.close();
  });

  it("reset after sending a create: read back once, says it was created (and it was)", async () => {
    proxy.inject({ fault: "reset-after-send", match: realWrite("POST", /\/pods$/) });
    const res = await call("pods_run", { image: "nginx", name: "run-reset", namespace: ns });
    expect(res.isError, resultText(res)).toBeFalsy();
    expect(resultText(res)).toMatch(
      /^Created on cluster 'proxied': Pod .*\/run-reset\n\(its answer was lost \(the connection to https:\/\/127\.0\.0\.1:\d+ was lost after the request was sent, before an answer came \(ECONNRESET\)\); read back once: Pod .*\/run-reset exists, created during this call by field manager "k8s-mcp\/k8s-mcp-faults-e2e", so it was created\)/,
    );
    expect(proxy.fired()).toContainEqual(
      expect.objectContaining({ fault: "reset-after-send", method: "POST" }),
    );
    expect(await statusOf(real, `/api/v1/namespaces/${ns}/pods/run-reset`)).toBe(200);
  });

  it("invalid JSON in a scale's 200: says the change was made (it was, and only it)", async () => {
    await create(real, `/apis/apps/v1/namespaces/${ns}/deployments`, deploymentBody("web", 1));
    await create(real, `/apis/apps/v1/namespaces/${ns}/deployments`, deploymentBody("other", 1));
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
      /^resources_scale failed on cluster 'proxied': the response from https:\/\/127\.0\.0\.1:\d+ \(status 200, \d+ bytes\) is not valid JSON \(.*\); the API server accepted the change, so it was made; only its answer was lost\. Try: read the object \(resources_get\) to see it; do not repeat the change/,
    );
    expect(res.structuredContent).toMatchObject({ cluster: "proxied", outcome: "applied" });
    expect(await replicasOf(real, ns, "web")).toBe(2);
    expect(await replicasOf(real, ns, "other")).toBe(1);
  });

  it("429 with Retry-After on an apply: shows the wait, and nothing was applied", async () => {
    proxy.inject({
      fault: "throttle",
      retryAfterSeconds: 7,
      // The real apply (its dry run passed first): refused by the 429, so nothing was changed.
      match: realWrite("PATCH", /\/configmaps\/throttled$/),
    });
    const resource = JSON.stringify({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "throttled", namespace: ns },
      data: { k: "v" },
    });
    const res = await call("resources_create_or_update", { resource });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(
      /429 TooManyRequests: too many requests, please try again later \(Retry-After: 7 s\); nothing was changed\. Try: the API server is throttling; wait 7 seconds \(its Retry-After\), then retry/,
    );
    expect(res.structuredContent).toMatchObject({
      applied: [],
      failed: [{ index: 1, kind: "ConfigMap", name: "throttled", outcome: "not-applied" }],
      notAttempted: [],
    });
    expect(await statusOf(real, `/api/v1/namespaces/${ns}/configmaps/throttled`)).toBe(404);
  });

  it("a stall after the headers of a read is named as a stalled response, and the server keeps serving", async () => {
    proxy.inject({
      fault: "stall-after-headers",
      match: (m, u) => m === "GET" && u.pathname.endsWith(`/namespaces/${ns}`),
    });
    const res = await call("resources_get", { apiVersion: "v1", kind: "Namespace", name: ns });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(
      /^resources_get failed on cluster 'proxied': the response from https:\/\/127\.0\.0\.1:\d+ stalled: its status \(200\) and headers arrived, then the body stopped after 0 bytes; gave up at the 3000 ms timeout\. Try: retry/,
    );
    const again = await call("resources_get", { apiVersion: "v1", kind: "Namespace", name: ns });
    expect(again.isError, resultText(again)).toBeFalsy();
  });
});
