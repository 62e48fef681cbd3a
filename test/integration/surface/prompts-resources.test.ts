// Prompts, resources and completion through a real MCP Client against real clusters.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPods, waitForPodsRunning } from "../../harness/pods.js";
import { admin, create, freshNamespace } from "../../helpers/cluster-api.js";
import { startTestServer, type TestServer } from "../../helpers/mcp.js";

const cp = inject("controlplane");
const [sv5, lax1] = cp.clusters;
const SECRET_VALUE = "swordfish-resource-secret";

// The first content of a resource read as text ("" when it is not text, which fails the assertions on it).
const body = (r: { contents: ({ text: string } | { blob: string })[] }): string => {
  const c = r.contents[0];
  return c && "text" in c ? c.text : "";
};

describe("prompts, resources and completion", () => {
  let ts: TestServer;
  let ns: string;
  beforeAll(async () => {
    // A namespace that exists only on c1-lax1: completion must depend on the cluster named in the context.
    ns = await freshNamespace(lax1!, "surf");
    await createPods(admin(lax1!), ns, 1, { prefix: "crashy" });
    await waitForPodsRunning(admin(lax1!), ns, 1, 20_000);
    await create(lax1!, `/api/v1/namespaces/${ns}/secrets`, {
      metadata: { name: "db" },
      stringData: { password: SECRET_VALUE },
    });
    await create(lax1!, `/apis/apps/v1/namespaces/${ns}/deployments`, {
      metadata: { name: "api" },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "api" } },
        template: {
          metadata: { labels: { app: "api" } },
          spec: { containers: [{ name: "api", image: "nginx:1.27" }] },
        },
      },
    });
    ts = await startTestServer({
      kubeconfig_dir: cp.kubeconfigDir,
      default_cluster: "c1-sv5",
      cluster_aliases: { production: "c1-lax1", staging: "c1-sv5" },
    });
  });
  afterAll(async () => ts?.close());

  it("lists the prompts and renders them with their arguments", async () => {
    const { prompts } = await ts.client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(["compare_environments", "debug_pod", "fleet_health"]);
    const debug = prompts.find((p) => p.name === "debug_pod");
    expect(debug?.arguments?.map((a) => [a.name, a.required])).toEqual([
      ["cluster", true],
      ["namespace", true],
      ["pod", true],
    ]);
    const rendered = await ts.client.getPrompt({
      name: "debug_pod",
      arguments: { cluster: "production", namespace: ns, pod: "crashy-1" },
    });
    const text = rendered.messages.map((m) => (m.content.type === "text" ? m.content.text : "")).join("\n");
    expect(text).toContain(`pod 'crashy-1' in namespace '${ns}' on cluster 'production'`);
    expect(text).toContain(`fieldSelector "involvedObject.name=crashy-1"`);
    const health = await ts.client.getPrompt({ name: "fleet_health", arguments: { clusters: "c1-*" } });
    expect(JSON.stringify(health.messages)).toContain('clusters_status with clusters: [\\"c1-*\\"]');
    const cmp = await ts.client.getPrompt({
      name: "compare_environments",
      arguments: { left: "staging", right: "production", namespace: ns, name: "api" },
    });
    expect(JSON.stringify(cmp.messages)).toContain('clusters [\\"staging\\", \\"production\\"]');
  });

  it("completes cluster names and aliases, and namespaces and pods of the cluster in context", async () => {
    const complete = (name: string, argument: string, value: string, args?: Record<string, string>) =>
      ts.client.complete({
        ref: { type: "ref/prompt", name },
        argument: { name: argument, value },
        ...(args ? { context: { arguments: args } } : {}),
      });
    expect((await complete("debug_pod", "cluster", "c1-")).completion.values).toEqual(
      cp.clusters.map((c) => c.name).sort(),
    );
    expect((await complete("debug_pod", "cluster", "prod")).completion.values).toEqual(["production"]);
    expect((await complete("fleet_health", "clusters", "c1-l")).completion.values).toEqual(["c1-lax1"]);
    const onLax = await complete("debug_pod", "namespace", ns.slice(0, 6), { cluster: "c1-lax1" });
    expect(onLax.completion.values).toContain(ns);
    const onSv5 = await complete("debug_pod", "namespace", ns.slice(0, 6), { cluster: "c1-sv5" });
    expect(onSv5.completion.values).not.toContain(ns);
    const viaAlias = await complete("debug_pod", "namespace", ns, { cluster: "production" });
    expect(viaAlias.completion.values).toEqual([ns]);
    const pods = await complete("debug_pod", "pod", "cr", { cluster: "c1-lax1", namespace: ns });
    expect(pods.completion.values).toEqual(["crashy-1"]);
    const workloads = await complete("compare_environments", "name", "", { left: "c1-lax1", namespace: ns });
    expect(workloads.completion.values).toEqual(["api"]);
  });

  it("completes under the caller's session: after clusters_switch, its active cluster's namespaces", async () => {
    const complete = () =>
      ts.client.complete({
        ref: { type: "ref/prompt", name: "debug_pod" },
        argument: { name: "namespace", value: ns },
      });
    expect((await ts.call("clusters_switch", { cluster: "c1-lax1" })).isError).toBeFalsy();
    expect((await complete()).completion.values).toEqual([ns]);
    expect((await ts.call("clusters_switch", { cluster: "c1-sv5" })).isError).toBeFalsy();
    expect((await complete()).completion.values).toEqual([]); // the namespace exists on c1-lax1 only
  });

  it("reads the cluster list and objects by URI through resources_get's rules (Secret redacted)", async () => {
    const { resources } = await ts.client.listResources();
    expect(resources.map((r) => r.uri)).toContain("k8s://clusters");
    const { resourceTemplates } = await ts.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual([
      "k8s://{cluster}/{apiVersion}/{kind}/{namespace}/{name}",
      "k8s://{cluster}/{apiVersion}/{kind}/{name}",
    ]);
    const clusters = await ts.client.readResource({ uri: "k8s://clusters" });
    const list = JSON.parse(body(clusters)) as {
      clusters: { name: string; aliases: string[] }[];
    };
    expect(list.clusters.find((c) => c.name === "c1-lax1")?.aliases).toEqual(["production"]);

    const dep = await ts.client.readResource({ uri: `k8s://production/apps%2Fv1/Deployment/${ns}/api` });
    expect(dep.contents[0]?.mimeType).toBe("application/yaml");
    expect(body(dep)).toMatch(/kind: Deployment[\s\S]*replicas: 2/);
    expect(body(dep)).not.toContain("managedFields");

    const secret = await ts.client.readResource({ uri: `k8s://c1-lax1/v1/Secret/${ns}/db` });
    const text = body(secret);
    expect(text).toMatch(/password: "?<redacted: 25 bytes>"?/);
    expect(text).not.toContain(SECRET_VALUE);
    expect(text).not.toContain(Buffer.from(SECRET_VALUE).toString("base64"));

    const nsObj = await ts.client.readResource({ uri: `k8s://c1-lax1/v1/Namespace/${ns}` });
    expect(body(nsObj)).toContain(`name: ${ns}`);
    // Reads are tool calls underneath: audited like resources_get, with the resolved cluster.
    expect(ts.records.filter((r) => r.tool === "resources_get").map((r) => r.cluster)).toEqual(
      expect.arrayContaining(["c1-lax1"]),
    );
    await expect(ts.client.readResource({ uri: `k8s://c1-sv5/v1/Secret/${ns}/db` })).rejects.toThrow(
      /resources_get failed on cluster 'c1-sv5'/,
    );
  });

  it("completes resource template variables", async () => {
    const complete = (argument: string, value: string, args?: Record<string, string>) =>
      ts.client.complete({
        ref: { type: "ref/resource", uri: "k8s://{cluster}/{apiVersion}/{kind}/{namespace}/{name}" },
        argument: { name: argument, value },
        ...(args ? { context: { arguments: args } } : {}),
      });
    expect((await complete("cluster", "stag")).completion.values).toEqual(["staging"]);
    expect((await complete("kind", "Dep")).completion.values).toEqual(["Deployment"]);
    expect((await complete("apiVersion", "", { kind: "Deployment" })).completion.values).toEqual(["apps/v1"]);
    const names = await complete("name", "", {
      cluster: "c1-lax1",
      apiVersion: "v1",
      kind: "Secret",
      namespace: ns,
    });
    expect(names.completion.values).toEqual(["db"]);
  });

  it("applies the same policy as the tool: a denied kind cannot be read as a resource either", async () => {
    const denied = await startTestServer({
      kubeconfig_dir: cp.kubeconfigDir,
      default_cluster: "c1-lax1",
      denied_resources: [{ kind: "Secret" }],
    });
    try {
      await expect(denied.client.readResource({ uri: `k8s://c1-lax1/v1/Secret/${ns}/db` })).rejects.toThrow(
        /denied_resources/,
      );
    } finally {
      await denied.close();
    }
    expect(sv5).toBeDefined();
  });
});
