// Strict arguments through a real MCP Client: unknown keys are errors naming the closest valid key, for every tool;
// one spelling per concept, with the reference server's `label_selector` accepted as a documented alias.
import type { Tool } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { publishPodMetrics } from "../../harness/metrics.js";
import { createPods, waitForPodsRunning } from "../../harness/pods.js";
import { admin, freshNamespace } from "../../helpers/cluster-api.js";
import { resultText, startTestServer, structured, type TestServer } from "../../helpers/mcp.js";
import { declaredTools } from "./schema.js";

const cp = inject("controlplane");
const [, lax1] = cp.clusters;

// A typo of a real key: its last letter replaced, so the closest valid key is unambiguous.
const typo = (key: string): string => `${key.slice(0, -1)}${key.endsWith("q") ? "z" : "q"}`;

describe("strict arguments", () => {
  let ts: TestServer;
  let tools: Map<string, Tool>;
  let ns: string;
  beforeAll(async () => {
    ns = await freshNamespace(lax1!, "strict");
    await createPods(admin(lax1!), ns, 2, { prefix: "web", labels: { app: "web" } });
    await createPods(admin(lax1!), ns, 1, { prefix: "db", labels: { app: "db" } });
    await waitForPodsRunning(admin(lax1!), ns, 3, 20_000);
    ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, default_cluster: "c1-lax1" });
    tools = await declaredTools(ts.client);
  });
  afterAll(async () => ts?.close());

  it("every input schema says additionalProperties: false", () => {
    expect(tools.size).toBeGreaterThan(20);
    for (const t of tools.values()) expect(t.inputSchema.additionalProperties, t.name).toBe(false);
  });

  it("every tool refuses an unknown key, names it and the closest valid key, and runs nothing", async () => {
    for (const t of tools.values()) {
      const keys = Object.keys(t.inputSchema.properties ?? {}).filter(
        (k) => k.length >= 4 && k !== "label_selector",
      );
      const key = keys[0];
      expect(key, t.name).toBeDefined();
      const bad = typo(key as string);
      const before = ts.records.length;
      const res = await ts.call(t.name, { [bad]: "x" });
      expect(res.isError, t.name).toBe(true);
      expect(resultText(res), t.name).toContain(`unknown argument '${bad}' (did you mean '${key}'?)`);
      expect(ts.records.length, `${t.name} must not have run`).toBe(before);
    }
  });

  it("pods_list {labelselector} is an error, not a list of every pod", async () => {
    const res = await ts.call("pods_list", { labelselector: "app=web" });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(/unknown argument 'labelselector' \(did you mean 'labelSelector'\?\)/);
    expect(resultText(res)).not.toContain("web-1");
  });

  it("clusters_exec_all checks its parameters with the same strict schema", async () => {
    const res = await ts.call("clusters_exec_all", {
      operation: "pods_list",
      parameters: { labelselector: "app=web" },
      clusters: ["c1-lax1"],
    });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toContain("unknown argument 'labelselector' (did you mean 'labelSelector'?)");
  });

  it("pods_top takes labelSelector like every tool, and label_selector as an alias with the same result", async () => {
    for (const pod of ["web-1", "web-2", "db-1"]) {
      const labels = { app: pod.split("-")[0] as string };
      await publishPodMetrics(admin(lax1!), ns, pod, [{ name: "app", cpu: "100m", memory: "16Mi" }], {
        labels,
      });
    }
    const names = async (args: Record<string, unknown>): Promise<string[]> => {
      const res = await ts.call("pods_top", { namespace: ns, ...args });
      expect(res.isError, resultText(res)).toBeFalsy();
      return ((structured(res).pods ?? []) as { name: string }[]).map((p) => p.name).sort();
    };
    expect(await names({ labelSelector: "app=web" })).toEqual(["web-1", "web-2"]);
    expect(await names({ label_selector: "app=web" })).toEqual(["web-1", "web-2"]);
    expect(await names({})).toEqual(["db-1", "web-1", "web-2"]);
    const both = await ts.call("pods_top", {
      namespace: ns,
      labelSelector: "app=web",
      label_selector: "app=db",
    });
    expect(both.isError).toBe(true);
    expect(resultText(both)).toContain("pass either 'labelSelector' or its alias 'label_selector', not both");
    // The alias folds into the canonical key in fan-out parameters too.
    const fan = await ts.call("clusters_exec_all", {
      operation: "pods_top",
      parameters: { namespace: ns, label_selector: "app=db" },
      clusters: ["c1-lax1"],
    });
    const leg = ((structured(fan).results ?? []) as { result: { pods: { name: string }[] } }[])[0];
    expect(leg?.result.pods.map((i) => i.name)).toEqual(["db-1"]);
    // Only where the reference server used that spelling: elsewhere it is an unknown key like any other.
    const elsewhere = await ts.call("pods_list", { label_selector: "app=db" });
    expect(elsewhere.isError).toBe(true);
    expect(resultText(elsewhere)).toContain("unknown argument 'label_selector'");
  });
});
