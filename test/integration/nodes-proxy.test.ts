// nodes_log and nodes_stats_summary through the REAL apiserver's node proxy to the kubelet STUB (kubelet-node.ts).
// The apiserver refuses to proxy to loopback addresses, where the simulated nodes live, so this file registers
// one more Node whose kubelet stub listens on a non-loopback address (helpers/proxy-node.ts).
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { NODE_LOG_LINES, nodeLogLine } from "../harness/kubelet-node.js";
import { type FleetDir, makeFleetDir } from "../helpers/fleet.js";
import { type ConfigInput, resultText, startTestServer, type TestServer } from "../helpers/mcp.js";
import { type ProxyNode, startProxyNode } from "../helpers/proxy-node.js";

const cp = inject("controlplane");
const c0 = cp.clusters[0]!;
let fleet: FleetDir;
let proxy: ProxyNode;
let node: string;

beforeAll(async () => {
  fleet = await makeFleetDir(cp, { broken: false });
  proxy = await startProxyNode(c0);
  node = proxy.name;
});
afterAll(async () => {
  await proxy?.stop();
  await fleet?.close();
});

async function withServer(config: ConfigInput, fn: (ts: TestServer) => Promise<void>): Promise<void> {
  const ts = await startTestServer({ kubeconfig_dir: fleet.dir, auto_discovery: false, ...config });
  try {
    await fn(ts);
  } finally {
    await ts.close();
  }
}

describe("node tools through the node proxy", () => {
  it("nodes_log returns the last tailLines of a service or file, default 100", async () => {
    await withServer({}, async (ts) => {
      const r = await ts.call("nodes_log", {
        cluster: c0.name,
        name: node,
        query: "kubelet",
        tailLines: 3,
      });
      expect(r.isError, resultText(r)).toBeFalsy();
      const want = [NODE_LOG_LINES - 2, NODE_LOG_LINES - 1, NODE_LOG_LINES].map((i) =>
        nodeLogLine(node, "kubelet", i),
      );
      expect((r.structuredContent as { log: string }).log.trim().split("\n")).toEqual(want);
      const file = await ts.call("nodes_log", { cluster: c0.name, name: node, query: "/kubelet.log" });
      const lines = (file.structuredContent as { log: string }).log.trim().split("\n");
      expect(lines).toHaveLength(100);
      expect(lines.at(-1)).toBe(nodeLogLine(node, "/kubelet.log", NODE_LOG_LINES));
    });
  });

  it("nodes_stats_summary returns the kubelet's summary with the node's numbers", async () => {
    await withServer({}, async (ts) => {
      const r = await ts.call("nodes_stats_summary", { cluster: c0.name, name: node });
      expect(r.isError, resultText(r)).toBeFalsy();
      expect(resultText(r)).toContain(`node ${node}: cpu 250m, memory working set 1024Mi`);
      expect(r.structuredContent).toMatchObject({
        node: node,
        summary: { node: { nodeName: node, cpu: { usageNanoCores: 250_000_000 } } },
      });
    });
  });

  it("refuses hostile queries and names before any request; unknown nodes and sources are errors", async () => {
    await withServer({}, async (ts) => {
      for (const query of ["../../etc/shadow", "/var/log/../../etc", "kubelet&tailLines=9", "a b"]) {
        const r = await ts.call("nodes_log", { cluster: c0.name, name: node, query });
        expect(r.isError, query).toBe(true);
        expect(resultText(r)).toContain("invalid query");
      }
      const bad = await ts.call("nodes_log", { cluster: c0.name, name: "../x", query: "kubelet" });
      expect(resultText(bad)).toContain("invalid name");
      const missing = await ts.call("nodes_stats_summary", { cluster: c0.name, name: "no-such-node" });
      expect(missing.isError).toBe(true);
      expect(resultText(missing)).toMatch(/not found/i);
      const source = await ts.call("nodes_log", {
        cluster: c0.name,
        name: node,
        query: "nosuchservice",
      });
      expect(source.isError).toBe(true);
    });
  });

  it("policy on nodes/proxy: denied_resources by subresource or kind refuses both tools", async () => {
    for (const denied of [{ kind: "nodes/proxy" }, { kind: "Node" }]) {
      await withServer({ denied_resources: [denied] }, async (ts) => {
        for (const [tool, args] of [
          ["nodes_log", { cluster: c0.name, name: node, query: "kubelet" }],
          ["nodes_stats_summary", { cluster: c0.name, name: node }],
        ] as const) {
          const r = await ts.call(tool, args);
          expect(r.isError, `${tool} ${denied.kind}`).toBe(true);
          expect(resultText(r)).toContain("denied_resources");
        }
      });
    }
    // Denying nodes/proxy leaves plain node reads alone.
    await withServer({ denied_resources: [{ kind: "nodes/proxy" }] }, async (ts) => {
      const r = await ts.call("resources_get", {
        cluster: c0.name,
        apiVersion: "v1",
        kind: "Node",
        name: node,
      });
      expect(r.isError, resultText(r)).toBeFalsy();
    });
  });
});
