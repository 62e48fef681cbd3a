// nodes_log and nodes_stats_summary: the kubelet's log query and stats summary through the apiserver's node proxy.
import { z } from "zod";
import { ToolError } from "../errors.js";
import { checkName } from "../kube/validate.js";
import { clusterOutput } from "../mcp/output.js";
import { truncate } from "../mcp/results.js";
import { type AnyTool, defineClusterTool } from "../mcp/tool.js";
import { once } from "../util/once.js";
import { READ_ONLY } from "./common.js";

const nodeName = once(() => z.string().min(1).describe("Name of the node (see resources_list kind Node)."));

// A service name (kubelet, containerd) or a file under the node's /var/log (/kubelet.log): no `..`, no query text.
const QUERY = /^(\/?[A-Za-z0-9_@][A-Za-z0-9_.@-]*)(\/[A-Za-z0-9_@][A-Za-z0-9_.@-]*)*$/;

function checkQuery(query: string): string {
  if (query.length > 256 || !QUERY.test(query) || query.split("/").includes(".."))
    throw new ToolError(
      `invalid query ${JSON.stringify(query.slice(0, 80))}: a service name such as 'kubelet', or a file under the node's /var/log such as '/kubelet.log'`,
      "pass one service or one log file name",
    );
  return query;
}

const nodesLog = defineClusterTool({
  name: "nodes_log",
  title: "Nodes: Log",
  description:
    "Logs of a node service or log file, through the API server's node proxy (the kubelet's log query: `kubectl get --raw /api/v1/nodes/NODE/proxy/logs/?query=kubelet`). Needs the nodes/proxy permission and a kubelet with log query enabled.",
  input: () =>
    z.object({
      name: nodeName(),
      query: z
        .string()
        .min(1)
        .describe(
          "A service ('kubelet', 'containerd') or a file under /var/log on the node ('/kubelet.log', '/syslog').",
        ),
      tailLines: z
        .number()
        .int()
        .positive()
        .max(100_000)
        .optional()
        .describe("Lines from the end (default 100)."),
    }),
  output: () =>
    clusterOutput({
      node: z.string(),
      query: z.string(),
      log: z.string().describe("The log text (newest lines kept when cut to the output budget)."),
    }),
  annotations: READ_ONLY,
  handler: async (args, ctx) => {
    const node = checkName("name", args.name, "dns-subdomain");
    const query = checkQuery(args.query);
    const tail = args.tailLines ?? 100;
    const log = await ctx.cluster.nodeProxy(node, "logs/", { query, tailLines: tail });
    const hint = "pass a smaller `tailLines`";
    return {
      text: log.length ? log : `(no log output for '${query}' on node ${node})`,
      narrowHint: hint,
      keep: "tail",
      structured: {
        cluster: ctx.cluster.name,
        node,
        query,
        // Half the call's budget: the text carries the same lines (the one budget bounds both together).
        log: truncate(log, Math.floor(ctx.budget / 2), hint, "tail"),
      },
    };
  },
});

interface StatsSummary {
  node?: {
    nodeName?: string;
    cpu?: { usageNanoCores?: number };
    memory?: { workingSetBytes?: number; availableBytes?: number };
    fs?: { usedBytes?: number; capacityBytes?: number };
  };
  pods?: unknown[];
}

const nodesStatsSummary = defineClusterTool({
  name: "nodes_stats_summary",
  title: "Nodes: Stats Summary",
  description:
    "The kubelet's resource summary of a node (CPU, memory, filesystem, network, and per pod), through the API server's node proxy (/api/v1/nodes/NODE/proxy/stats/summary). Needs the nodes/proxy permission.",
  input: () => z.object({ name: nodeName() }),
  output: () =>
    clusterOutput({
      node: z.string(),
      pods: z.number().int().describe("Pods in the summary."),
      summary: z
        .record(z.string(), z.unknown())
        .optional()
        .describe("The kubelet's Summary object, when it fits the output budget."),
    }),
  annotations: READ_ONLY,
  handler: async (args, ctx) => {
    const node = checkName("name", args.name, "dns-subdomain");
    const body = await ctx.cluster.nodeProxy(node, "stats/summary");
    let summary: StatsSummary;
    try {
      summary = JSON.parse(body) as StatsSummary;
    } catch {
      throw new ToolError(
        `node ${node} on cluster '${ctx.cluster.name}' answered stats/summary with something other than JSON`,
        "check that the kubelet serves /stats/summary (kubectl get --raw .../proxy/stats/summary)",
      );
    }
    const n = summary.node ?? {};
    const mib = (b?: number): string => (b === undefined ? "?" : `${Math.round(b / 1048576)}Mi`);
    const head = [
      `node ${n.nodeName ?? node}: cpu ${n.cpu?.usageNanoCores === undefined ? "?" : `${Math.round(n.cpu.usageNanoCores / 1e6)}m`}, memory working set ${mib(n.memory?.workingSetBytes)} (available ${mib(n.memory?.availableBytes)}), fs ${mib(n.fs?.usedBytes)} of ${mib(n.fs?.capacityBytes)}, ${summary.pods?.length ?? 0} pods`,
    ];
    const fits = Buffer.byteLength(body) <= ctx.budget / 2;
    return {
      text: `${head.join("\n")}\n${JSON.stringify(summary, null, 1)}`,
      narrowHint: "the per-pod part is long; nodes_top and pods_top give the totals",
      structured: {
        cluster: ctx.cluster.name,
        node,
        pods: summary.pods?.length ?? 0,
        ...(fits ? { summary: summary as Record<string, unknown> } : {}),
      },
    };
  },
});

/** Why: the kubelet-proxy node tools, listed in tools/index.ts. */
export function nodeTools(): AnyTool[] {
  return [nodesLog, nodesStatsSummary];
}
