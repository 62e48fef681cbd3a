// Pod tools on a non-default real cluster (node simulator + kubelet log stub), exec against a named stub.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { logLine } from "../harness/kubelet.js";
import { publishNodeMetrics, publishPodMetrics } from "../harness/metrics.js";
import { createPods, waitForPodsRunning } from "../harness/pods.js";
import { admin, freshNamespace, statusOf, waitUntil } from "../helpers/cluster-api.js";
import { writeKubeconfig } from "../helpers/fleet.js";
import { resultText, startTestServer, type TestServer } from "../helpers/mcp.js";
import { type ExecStub, startExecStub } from "../stubs/exec-apiserver.js";

const cp = inject("controlplane");
const [sv5, , dfw1] = cp.clusters;

describe("pod tools on c1-dfw1 (not the default cluster)", () => {
  let ts: TestServer;
  let ns: string;
  beforeAll(async () => {
    ns = await freshNamespace(dfw1!, "pods");
    await createPods(admin(dfw1!), ns, 2, {
      prefix: "multi",
      containers: ["main", "sidecar"],
      labels: { app: "multi" },
    });
    await waitForPodsRunning(admin(dfw1!), ns, 2, 20_000);
    ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, default_cluster: "c1-sv5" });
  });
  afterAll(async () => ts?.close());

  it("runs a pod (and a Service for its port) on the named cluster only", async () => {
    const res = await ts.call("pods_run", {
      cluster: "c1-dfw1",
      image: "nginx:1.27",
      name: "web",
      namespace: ns,
      port: 8080,
    });
    expect(resultText(res)).toBe(`Created on cluster 'c1-dfw1': Pod ${ns}/web, Service ${ns}/web`);
    expect(await statusOf(dfw1!, `/api/v1/namespaces/${ns}/services/web`)).toBe(200);
    expect(await statusOf(sv5!, `/api/v1/namespaces/${ns}/pods/web`)).toBe(404);
    await waitForPodsRunning(admin(dfw1!), ns, 3, 20_000);
  });

  it("removes the pod again when its Service cannot be created (all or nothing)", async () => {
    const { create } = await import("../helpers/cluster-api.js");
    await create(dfw1!, `/api/v1/namespaces/${ns}/services`, {
      metadata: { name: "taken" },
      spec: { ports: [{ port: 81 }] },
    });
    const res = await ts.call("pods_run", {
      cluster: "c1-dfw1",
      image: "nginx:1.27",
      name: "taken",
      namespace: ns,
      port: 80,
    });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(
      /Service for pod .*\/taken could not be created \(409 AlreadyExists: .*\); the pod was removed again/,
    );
    await waitUntil(
      "pod removed",
      async () => (await statusOf(dfw1!, `/api/v1/namespaces/${ns}/pods/taken`)) === 404,
    );
  });

  it("never overwrites: running a pod under an existing name is a clear 409 and changes nothing", async () => {
    const res = await ts.call("pods_run", {
      cluster: "c1-dfw1",
      image: "evil/image:latest",
      name: "web",
      namespace: ns,
    });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(
      /on cluster 'c1-dfw1': 409 AlreadyExists: pods "web" already exists; nothing was changed\. Try: /,
    );
    expect(await ts.text("pods_get", { cluster: "c1-dfw1", name: "web", namespace: ns })).toContain(
      "image: nginx:1.27",
    );
  });

  it("lists pods across namespaces and in one namespace, with selectors", async () => {
    const all = await ts.body("pods_list", { cluster: "c1-dfw1" });
    expect(all).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
    expect(all).toMatch(new RegExp(`${ns}\\s+web\\s+1/1\\s+Running\\s+0`));
    const inNs = await ts.body("pods_list_in_namespace", {
      cluster: "c1-dfw1",
      namespace: ns,
      labelSelector: "app=multi",
    });
    expect(inNs).toMatch(/^NAME\s+READY\s+STATUS/);
    expect(inNs).toMatch(/multi-1\s+2\/2\s+Running/);
    expect(inNs).not.toContain("web");
    const field = await ts.text("pods_list", {
      cluster: "c1-dfw1",
      fieldSelector: `metadata.namespace=${ns},status.phase=Running`,
    });
    expect(field.match(new RegExp(ns, "g"))).toHaveLength(3);
    expect(await ts.text("pods_list", {})).not.toContain(ns);
  });

  it("gets a pod as YAML with its status", async () => {
    const y = await ts.text("pods_get", { cluster: "c1-dfw1", name: "web", namespace: ns });
    expect(y).toMatch(/kind: Pod/);
    expect(y).toMatch(/phase: Running/);
    expect(y).toContain(`nodeName: ${dfw1!.nodeName}`);
    expect(y).not.toContain("managedFields");
  });

  it("reads logs through the real apiserver's proxy: default tail 100, tail, previous, default container", async () => {
    const text = await ts.body("pods_log", { cluster: "c1-dfw1", name: "web", namespace: ns });
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(100);
    expect(lines[99]).toBe(logLine(ns, "web", "web", 500));
    expect(lines[0]).toBe(logLine(ns, "web", "web", 401));
    const tail = await ts.body("pods_log", { cluster: "c1-dfw1", name: "web", namespace: ns, tail: 2 });
    expect(tail.trimEnd().split("\n")).toEqual([
      logLine(ns, "web", "web", 499),
      logLine(ns, "web", "web", 500),
    ]);
    const prev = await ts.body("pods_log", {
      cluster: "c1-dfw1",
      name: "web",
      namespace: ns,
      tail: 1,
      previous: true,
    });
    expect(prev.trim()).toBe(logLine(ns, "web", "web", 500, true));
    const multi = await ts.text("pods_log", { cluster: "c1-dfw1", name: "multi-1", namespace: ns, tail: 1 });
    expect(multi).toBe(
      `cluster c1-dfw1 · pod ${ns}/multi-1 · container main\n(container 'main'; others: sidecar)\n${logLine(ns, "multi-1", "main", 500)}\n`,
    );
    const side = await ts.body("pods_log", {
      cluster: "c1-dfw1",
      name: "multi-1",
      namespace: ns,
      tail: 1,
      container: "sidecar",
    });
    expect(side.trim()).toBe(logLine(ns, "multi-1", "sidecar", 500));
    const missing = await ts.call("pods_log", { cluster: "c1-dfw1", name: "nope", namespace: ns });
    expect(resultText(missing)).toMatch(
      /pods_log failed on cluster 'c1-dfw1': 404 NotFound: pods "nope" not found/,
    );
  });

  it("keeps the newest log lines when the output budget cuts the log", async () => {
    const small = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, max_output_bytes: 400 });
    try {
      const text = await small.body("pods_log", { cluster: "c1-dfw1", name: "web", namespace: ns, tail: 50 });
      expect(text).toMatch(
        /^(\.\.\. structuredContent shortened[^\n]*\n)?\.\.\. output truncated: showing the last \d+ of \d+ bytes/,
      );
      expect(text.trimEnd().endsWith(logLine(ns, "web", "web", 500))).toBe(true);
      expect(text).not.toContain(logLine(ns, "web", "web", 451));
    } finally {
      await small.close();
    }
  });

  it("shows pod and node metrics (metrics API served by CRDs: a stub of metrics-server)", async () => {
    await publishPodMetrics(admin(dfw1!), ns, "multi-1", [
      { name: "main", cpu: "250m", memory: "64Mi" },
      { name: "sidecar", cpu: "50000000n", memory: "32Mi" },
    ]);
    await publishPodMetrics(admin(dfw1!), ns, "multi-2", [{ name: "main", cpu: "1", memory: "1Gi" }]);
    const top = await ts.body("pods_top", { cluster: "c1-dfw1", namespace: ns });
    expect(top).toMatch(
      /^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\nmulti-2\s+1000m\s+1024Mi\nmulti-1\s+300m\s+96Mi$/,
    );
    const one = await ts.call("pods_top", { cluster: "c1-dfw1", namespace: ns, name: "multi-1" });
    expect(one.structuredContent).toMatchObject({ pods: [{ name: "multi-1", cpuMillicores: 300 }] });
    await publishNodeMetrics(admin(dfw1!), dfw1!.nodeName, { cpu: "2", memory: "4Gi" });
    const nodes = await ts.text("nodes_top", { cluster: "c1-dfw1" });
    expect(nodes).toMatch(new RegExp(`${dfw1!.nodeName}\\s+2000m\\s+50%\\s+4096Mi\\s+50%`));
  });

  it("deletes a pod on the named cluster", async () => {
    const res = await ts.call("pods_delete", { cluster: "c1-dfw1", name: "web", namespace: ns });
    expect(resultText(res)).toBe(`Deleted pod ${ns}/web on cluster 'c1-dfw1'.`);
    await waitUntil(
      "pod gone",
      async () => (await statusOf(dfw1!, `/api/v1/namespaces/${ns}/pods/web`)) === 404,
    );
  });
});

describe("pods_exec against an exec STUB of the apiserver's WebSocket endpoint", () => {
  let stub: ExecStub;
  let ts: TestServer;
  beforeAll(async () => {
    stub = await startExecStub("exec-token");
    const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-exec-"));
    await writeKubeconfig(
      join(dir, "exec-stub.yaml"),
      "exec-stub",
      stub.url,
      "exec-token",
      Buffer.from(stub.ca).toString("base64"),
    );
    ts = await startTestServer({ kubeconfig_dir: dir, request_timeout: "2s" });
  });
  afterAll(async () => {
    await ts?.close();
    await stub?.close();
  });

  it("sends the command, container and credentials, and returns output and exit code", async () => {
    const ok = await ts.call("pods_exec", {
      cluster: "exec-stub",
      name: "p1",
      namespace: "ns1",
      container: "app",
      command: ["ls", "-l", "/tmp"],
    });
    expect(resultText(ok)).toBe(
      "cluster exec-stub · container app\nexit code 0\n--- stdout ---\nran: ls -l /tmp\n",
    );
    expect(stub.calls.at(-1)).toEqual({
      path: "/api/v1/namespaces/ns1/pods/p1/exec",
      command: ["ls", "-l", "/tmp"],
      container: "app",
      authorization: "Bearer exec-token",
      protocol: "v5.channel.k8s.io",
    });
    const fail = await ts.call("pods_exec", { cluster: "exec-stub", name: "p1", command: ["fail"] });
    expect(fail.structuredContent).toMatchObject({ exitCode: 3 });
    expect(resultText(fail)).toContain("something went wrong");
    expect(stub.calls.at(-1)?.path).toBe("/api/v1/namespaces/default/pods/p1/exec");
  });

  it("picks the default container like kubectl when none is named", async () => {
    await ts.call("pods_exec", { cluster: "exec-stub", name: "plain", namespace: "ns1", command: ["true"] });
    expect(stub.calls.at(-1)?.container).toBe("main");
    await ts.call("pods_exec", {
      cluster: "exec-stub",
      name: "web-ann",
      namespace: "ns1",
      command: ["true"],
    });
    expect(stub.calls.at(-1)?.container).toBe("sidecar");
  });

  it("reports a stream that closes without an exit status as an error, not as success", async () => {
    const res = await ts.call("pods_exec", { cluster: "exec-stub", name: "p1", command: ["drop"] });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(/exec stream closed before the command's exit status arrived/);
  });

  it("bounds a command that never finishes by request_timeout", async () => {
    const started = Date.now();
    const res = await ts.call("pods_exec", { cluster: "exec-stub", name: "p1", command: ["hang"] });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(/exec did not finish within 2000 ms/);
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
