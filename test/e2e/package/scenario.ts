// The calls an agent makes in the package suites, as data: the tool, its arguments, and what must then hold, in
// the response and on the clusters (after a destructive call: what must NOT have changed). Same for every transport.
import type { CallToolResult, Client } from "@modelcontextprotocol/client";
import { expect } from "vitest";
import type { TestCluster } from "../../harness/controlplane.js";
import { apiRequest } from "../../harness/https.js";
import { waitForPodPhase } from "../../harness/pods.js";
import { admin, statusOf, waitUntil } from "../../helpers/cluster-api.js";
import { chartDir } from "../../helpers/helm-cli.js";
import { resultText } from "../../helpers/mcp.js";
import type { Fixture } from "./fixture.js";
import { SECRET_VALUE } from "./fixture.js";
import type { Exchange } from "./golden.js";

/** Why: one agent call and its checks; `check` gets the response and may read the clusters directly. */
export interface Step {
  tool: string;
  args: Record<string, unknown>;
  /** Expected failures are part of the transcript too (an agent sees them). */
  expectError?: boolean;
  check?: (r: CallToolResult, text: string) => Promise<void> | void;
}

async function json<T>(c: TestCluster, path: string): Promise<T> {
  const res = await apiRequest(admin(c), "GET", path);
  if (res.status !== 200) throw new Error(`GET ${path} on ${c.name}: ${res.status} ${res.body}`);
  return res.json<T>();
}

async function replicas(c: TestCluster, ns: string): Promise<number | undefined> {
  return (await json<{ spec: { replicas?: number } }>(c, `/apis/apps/v1/namespaces/${ns}/deployments/api`))
    .spec.replicas;
}

async function configMapData(c: TestCluster, ns: string, name: string): Promise<Record<string, string>> {
  return (
    (await json<{ data?: Record<string, string> }>(c, `/api/v1/namespaces/${ns}/configmaps/${name}`)).data ??
    {}
  );
}

function multiDocument(ns: string): string {
  return [
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    "  name: settings",
    `  namespace: ${ns}`,
    "data:",
    '  log_level: "debug"',
    "---",
    "apiVersion: v1",
    "kind: Secret",
    "metadata:",
    "  name: creds",
    `  namespace: ${ns}`,
    "stringData:",
    `  password: ${SECRET_VALUE}`,
    "",
  ].join("\n");
}

function shared(ns: string, region: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n  namespace: ${ns}\ndata:\n  region: ${region}\n`;
}

/** Why: the scenario, built per fixture (namespace, clusters); every listed tool appears at least once. */
export function scenario(f: Fixture): Step[] {
  const ns = f.namespace;
  const pod = (name: string) => `/api/v1/namespaces/${ns}/pods/${name}`;
  return [
    {
      tool: "nsk_status",
      args: {},
      check: (_r, t) => expect(t).toMatch(/never|not yet/i),
    },
    { tool: "clusters_list", args: {}, check: (_r, t) => expect(t).not.toContain("c1-dfw1") },
    {
      tool: "nsk_clusters_discover",
      args: {},
      check: async (_r, t) => {
        expect(t).toContain("c1-dfw1");
        expect(await statusOf(f.dfw1, `/api/v1/namespaces/${ns}`)).toBe(200);
      },
    },
    { tool: "nsk_refresh", args: { force: true }, check: (_r, t) => expect(t).toContain("c1-lax1") },
    {
      tool: "clusters_status",
      args: { clusters: ["c1-*"] },
      check: (_r, t) => expect(t).toMatch(/^3\/3 clusters ok/),
    },
    {
      tool: "clusters_switch",
      args: { cluster: "c1-lax1" },
      check: (_r, t) => expect(t).toContain("c1-lax1"),
    },
    {
      tool: "namespaces_list",
      args: { labelSelector: `k8s-mcp-e2e=${f.transport}` },
      check: (_r, t) => expect(t).toContain(ns),
    },
    {
      tool: "pods_list",
      args: { labelSelector: `k8s-mcp-e2e=${f.transport}` },
      check: (_r, t) => expect(t).toMatch(/web-1[\s\S]*web-2/),
    },
    {
      tool: "pods_list_in_namespace",
      args: { namespace: ns },
      check: (_r, t) => expect(t).toContain("web-2"),
    },
    {
      tool: "pods_get",
      args: { name: "web-1", namespace: ns },
      check: (_r, t) => {
        expect(t).toMatch(/kind: Pod/);
        expect(t).toMatch(/phase: Running/);
      },
    },
    {
      tool: "pods_get",
      args: { name: "missing", namespace: ns },
      expectError: true,
      check: (_r, t) => expect(t).toMatch(/c1-lax1.*404|404.*c1-lax1/s),
    },
    {
      tool: "pods_log",
      args: { name: "web-1", namespace: ns, tail: 3 },
      check: (_r, t) => expect(t).toContain(`${ns}/web-1/main line 500`),
    },
    { tool: "pods_top", args: { namespace: ns }, check: (_r, t) => expect(t).toMatch(/web-2\s+1005m/) },
    { tool: "nodes_top", args: { name: f.lax1.nodeName }, check: (_r, t) => expect(t).toContain("1500m") },
    {
      tool: "events_list",
      args: { namespace: ns },
      check: (_r, t) => expect(t).toContain("Back-off restarting failed container main"),
    },
    {
      tool: "pods_run",
      args: { name: "runner", image: "nginx:1.27", namespace: ns, port: 8080 },
      check: async () => {
        // Running before the fan-out below lists it (the node simulator starts it asynchronously).
        await waitForPodPhase(admin(f.lax1), ns, "runner", "Running", 20_000);
        expect(await statusOf(f.lax1, `/api/v1/namespaces/${ns}/services/runner`)).toBe(200);
        expect(await statusOf(f.sv5, pod("runner"))).toBe(404);
      },
    },
    {
      tool: "resources_create_or_update",
      args: { resource: multiDocument(ns) },
      check: async () => {
        expect(await configMapData(f.lax1, ns, "settings")).toEqual({ log_level: "debug" });
        // The field manager names this MCP client (its initialize clientInfo name), not just the server.
        const owners = (
          await json<{ metadata: { managedFields: { manager: string }[] } }>(
            f.lax1,
            `/api/v1/namespaces/${ns}/configmaps/settings`,
          )
        ).metadata.managedFields.map((m) => m.manager);
        expect(owners).toHaveLength(1);
        // A stateless 2025-era request carries no clientInfo (no initialize on its server): the server's name only.
        if (f.transport === "http-stateless") expect(owners[0]).toBe("k8s-mcp");
        else expect(owners[0]).toMatch(/^k8s-mcp\/[A-Za-z0-9._@-]+$/);
        expect(await statusOf(f.lax1, `/api/v1/namespaces/${ns}/secrets/creds`)).toBe(200);
        expect(await statusOf(f.sv5, `/api/v1/namespaces/${ns}/configmaps/settings`)).toBe(404);
      },
    },
    {
      tool: "resources_list",
      args: { apiVersion: "v1", kind: "ConfigMap", namespace: ns },
      check: (_r, t) => expect(t).toContain("settings"),
    },
    {
      tool: "resources_get",
      args: { apiVersion: "v1", kind: "Secret", name: "creds", namespace: ns },
      check: (_r, t) => expect(t).toMatch(/kind: Secret/),
    },
    {
      tool: "clusters_exec_all",
      args: {
        operation: "resources_create_or_update",
        clusters: ["c1-*"],
        confirm: true,
        parameters: { resource: shared(ns, "us") },
      },
      check: async () => {
        for (const c of [f.sv5, f.lax1, f.dfw1])
          expect(await configMapData(c, ns, "shared")).toEqual({ region: "us" });
      },
    },
    {
      tool: "resources_create_or_update",
      args: { cluster: "c1-dfw1", resource: shared(ns, "eu") },
      check: async () => {
        expect(await configMapData(f.dfw1, ns, "shared")).toEqual({ region: "eu" });
        expect(await configMapData(f.lax1, ns, "shared")).toEqual({ region: "us" });
      },
    },
    {
      tool: "clusters_compare",
      args: { apiVersion: "v1", kind: "ConfigMap", name: "shared", namespace: ns, clusters: ["c1-*"] },
      check: (_r, t) => expect(t).toMatch(/region/),
    },
    {
      tool: "clusters_exec_all",
      args: { operation: "pods_list_in_namespace", clusters: ["c1-*"], parameters: { namespace: ns } },
      check: (_r, t) => expect(t).toMatch(/c1-lax1[\s\S]*web-1/),
    },
    {
      tool: "resources_scale",
      args: { apiVersion: "apps/v1", kind: "Deployment", name: "api", namespace: ns, scale: 3 },
      check: async (_r, t) => {
        expect(t).toContain("from 1 to 3");
        expect(await replicas(f.lax1, ns)).toBe(3);
        expect(await replicas(f.sv5, ns)).toBe(1);
      },
    },
    {
      tool: "resources_scale",
      args: { apiVersion: "apps/v1", kind: "Deployment", name: "api", namespace: ns, scale: 5000 },
      expectError: true,
      check: async (_r, t) => {
        expect(t).toMatch(/more than max_replicas \(1000\); not confirmed, nothing was changed/);
        expect(await replicas(f.lax1, ns)).toBe(3);
      },
    },
    {
      tool: "resources_create_or_update",
      args: {
        resource: [
          `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: never-1, namespace: ${ns}}`,
          `apiVersion: v1\nkind: ConfigMapp\nmetadata: {name: never-2, namespace: ${ns}}`,
          `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: never-3, namespace: ${ns}}`,
        ].join("\n---\n"),
      },
      expectError: true,
      check: async (r, t) => {
        expect(t).toMatch(
          /nothing applied: .*\n- document 2 \(ConfigMapp .*\/never-2\): v1 has no kind 'ConfigMapp'/,
        );
        expect(r.structuredContent).toMatchObject({ applied: [], failed: [{ index: 2 }] });
        expect(await statusOf(f.lax1, `/api/v1/namespaces/${ns}/configmaps/never-1`)).toBe(404);
        expect(await statusOf(f.lax1, `/api/v1/namespaces/${ns}/configmaps/never-3`)).toBe(404);
      },
    },
    {
      tool: "pods_exec",
      args: { cluster: "exec-stub", name: "web-1", namespace: ns, command: ["ls", "-l", "/tmp"] },
      check: (_r, t) => {
        expect(t).toContain("ran: ls -l /tmp");
        expect(f.exec.calls.at(-1)?.path).toBe(`/api/v1/namespaces/${ns}/pods/web-1/exec`);
      },
    },
    {
      tool: "pods_delete",
      args: { name: "web-2", namespace: ns },
      check: async () => {
        await waitUntil("web-2 deleted", async () => (await statusOf(f.lax1, pod("web-2"))) === 404);
        expect(await statusOf(f.lax1, pod("web-1"))).toBe(200);
        expect(await statusOf(f.lax1, pod("runner"))).toBe(200);
      },
    },
    {
      tool: "resources_delete",
      args: { apiVersion: "v1", kind: "ConfigMap", name: "settings", namespace: ns },
      check: async () => {
        await waitUntil(
          "settings deleted",
          async () => (await statusOf(f.lax1, `/api/v1/namespaces/${ns}/configmaps/settings`)) === 404,
        );
        expect(await configMapData(f.lax1, ns, "shared")).toEqual({ region: "us" });
        expect(await statusOf(f.lax1, `/api/v1/namespaces/${ns}/secrets/creds`)).toBe(200);
      },
    },
    {
      tool: "nodes_log",
      args: { cluster: "c1-lax1", name: f.proxyNode.name, query: "kubelet", tailLines: 2 },
      check: (_r, t) => expect(t).toContain(`${f.proxyNode.name} kubelet line 200`),
    },
    {
      tool: "nodes_stats_summary",
      args: { cluster: "c1-lax1", name: f.proxyNode.name },
      check: (_r, t) => expect(t).toContain("cpu 250m"),
    },
    {
      tool: "helm_install",
      args: {
        name: "web",
        namespace: ns,
        chart: chartDir("1.1.9"),
        values: { db: { password: SECRET_VALUE } },
      },
      check: async (_r, t) => {
        expect(t).toContain("web (web-app 1.1.9) says hello.");
        expect(await statusOf(f.lax1, `/api/v1/namespaces/${ns}/configmaps/web-config`)).toBe(200);
        expect(await statusOf(f.sv5, `/api/v1/namespaces/${ns}/configmaps/web-config`)).toBe(404);
      },
    },
    {
      tool: "helm_upgrade",
      args: { name: "web", namespace: ns, chart: chartDir("1.2.0"), reuse_values: true },
      check: (_r, t) => expect(t).toContain("revision 2"),
    },
    {
      tool: "helm_rollback",
      args: { name: "web", namespace: ns, revision: 1 },
      check: async () => {
        const cm = await json<{ data: Record<string, string> }>(
          f.lax1,
          `/api/v1/namespaces/${ns}/configmaps/web-config`,
        );
        expect(cm.data.chartVersion).toBe("1.1.9");
      },
    },
    {
      tool: "helm_list",
      args: { namespace: ns },
      check: (_r, t) => expect(t).toMatch(/web\s.*\s3\s.*web-app-1\.1\.9/),
    },
    {
      tool: "helm_history",
      args: { name: "web", namespace: ns },
      check: (_r, t) => expect(t).toContain("Rollback to 1"),
    },
    {
      tool: "helm_get",
      args: { name: "web", namespace: ns, revision: 2 },
      check: (_r, t) => expect(t).toMatch(/password: "?<redacted>/),
    },
    {
      tool: "helm_uninstall",
      args: { name: "web", namespace: ns },
      check: async () => {
        expect(await statusOf(f.lax1, `/api/v1/namespaces/${ns}/configmaps/web-config`)).toBe(404);
        expect(await statusOf(f.lax1, `/api/v1/namespaces/${ns}/configmaps/shared`)).toBe(200);
      },
    },
    {
      tool: "configuration_view",
      args: {},
      check: (_r, t) => expect(t).toContain("c1-lax1"),
    },
  ];
}

/** Why: runs the steps in order through any connected client; a failed check names its step. */
/**
 * Why: without a session (2026-07-28, or stateless HTTP) clusters_switch is not offered: that step is skipped and
 * every later cluster-aware step names the cluster it would have switched to.
 */
export async function runScenario(
  client: Client,
  f: Fixture,
  exchanges: Exchange[],
  sessionless = false,
): Promise<void> {
  let switchedTo: unknown;
  for (const [i, step] of scenario(f).entries()) {
    if (sessionless && step.tool === "clusters_switch") {
      switchedTo = step.args.cluster;
      continue;
    }
    const clusterAware = !/^(clusters|nsk)_/.test(step.tool);
    const args =
      switchedTo !== undefined && clusterAware && !("cluster" in step.args)
        ? { ...step.args, cluster: switchedTo }
        : step.args;
    const result = (await client.callTool(
      { name: step.tool, arguments: args },
      {
        timeout: 60_000,
      },
    )) as CallToolResult;
    exchanges.push({ tool: step.tool, args, result });
    const text = resultText(result);
    try {
      expect(result.isError === true, text).toBe(step.expectError === true);
      await step.check?.(result, text);
    } catch (err) {
      (err as Error).message = `step ${i + 1} (${step.tool}): ${(err as Error).message}`;
      throw err;
    }
  }
}

/** Why: a tool that tools/list offers but no step called is untested in the package: that fails the suite. */
export function uncalledTools(listed: string[], exchanges: Exchange[]): string[] {
  const called = new Set(exchanges.map((e) => e.tool));
  return listed.filter((t) => !called.has(t));
}

/** Why: tokens and Secret values must appear in no response, before any normalisation could hide them. */
export function leakedSecrets(f: Fixture, exchanges: Exchange[]): string[] {
  const all = exchanges.map((e) => JSON.stringify(e.result)).join("\n");
  return f.secrets.filter((s) => all.includes(s));
}
