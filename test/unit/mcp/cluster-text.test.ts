// The first line that names the cluster of every cluster-aware text, and the advice for an empty fleet.
import { describe, expect, it } from "vitest";
import { emptyFleetAdvice } from "../../../src/clusters/advice.js";
import { clusterLine } from "../../../src/mcp/cluster-text.js";

describe("clusterLine", () => {
  it("counts a list's kind, in the plural an English reader expects", () => {
    const list = (kind: string, count: number) => ({ kind, count, columns: ["name"], items: [] });
    expect(clusterLine("c1-sv5", list("Pod", 3))).toBe("cluster c1-sv5 · 3 pods");
    expect(clusterLine("c1-sv5", list("Namespace", 1))).toBe("cluster c1-sv5 · 1 namespace");
    expect(clusterLine("c1-sv5", list("Ingress", 2))).toBe("cluster c1-sv5 · 2 ingresses");
    expect(clusterLine("c1-sv5", list("NetworkPolicy", 0))).toBe("cluster c1-sv5 · 0 networkpolicies");
    expect(clusterLine("c1-sv5", list("Endpoints", 4))).toBe("cluster c1-sv5 · 4 endpoints");
  });

  it("is a YAML comment above a YAML body (a get, a list of full objects), so the text still parses", () => {
    const object = { kind: "ConfigMap", metadata: { name: "x", namespace: "ns" } };
    expect(clusterLine("a", { object })).toBe("# cluster a · ConfigMap ns/x");
    expect(clusterLine("a", { kind: "Pod", count: 2, columns: [], items: [] })).toBe("# cluster a · 2 pods");
  });

  it("names a pod's log, metrics rows and an exec's container; otherwise just the cluster", () => {
    expect(clusterLine("a", { namespace: "ns", pod: "web", container: "main" })).toBe(
      "cluster a · pod ns/web · container main",
    );
    expect(clusterLine("a", { nodes: [{}] })).toBe("cluster a · 1 node");
    expect(clusterLine("a", { container: "main", exitCode: 0 })).toBe("cluster a · container main");
    expect(clusterLine("a", {})).toBe("cluster a");
  });
});

describe("emptyFleetAdvice", () => {
  const base = { kubeconfigDir: "/k", classicPaths: [], problems: [], hidden: 0, canRefresh: false };

  it("says why and suggests only what can work: no clusters_switch, nsk_refresh only when offered", () => {
    const text = emptyFleetAdvice(base);
    expect(text).toContain("/k holds no *.yaml, *.yml or *.kubeconfig file");
    expect(text).toContain("put one kubeconfig file per cluster in /k");
    expect(text).not.toMatch(/clusters_switch|nsk_refresh|known clusters/);
    expect(emptyFleetAdvice({ ...base, canRefresh: true })).toContain("run nsk_refresh");
  });

  it("quotes the reasons found (a skipped file) and the filters hiding clusters", () => {
    const text = emptyFleetAdvice({
      ...base,
      hidden: 2,
      problems: [{ kind: "skipped", message: "skipped /k/config: it has no .yaml extension; rename it" }],
    });
    expect(text).toContain("skipped /k/config");
    expect(text).toContain("2 cluster(s) are hidden by cluster_pattern/exclude_clusters");
    expect(text).toContain("widen cluster_pattern/exclude_clusters");
  });
});
