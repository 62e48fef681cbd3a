// pods_top and nodes_top: CPU and memory from the metrics API (metrics.k8s.io), like `kubectl top`.
import { z } from "zod";
import { ToolError } from "../errors.js";
import { knownResource } from "../kube/api-resources.js";
import { KubeError } from "../kube/errors.js";
import { formatMebibytes, formatMillicores, parseQuantity } from "../kube/quantity.js";
import { clusterOutput } from "../mcp/output.js";
import { type AnyTool, defineClusterTool } from "../mcp/tool.js";
import { formatTable } from "../util/table.js";
import { listFields, READ_ONLY } from "./common.js";

const POD_METRICS = knownResource("PodMetrics", "pods", true, "metrics.k8s.io", "v1beta1");
const NODE_METRICS = knownResource("NodeMetrics", "nodes", false, "metrics.k8s.io", "v1beta1");
const NODES = knownResource("Node", "nodes", false);

type Usage = { cpu?: string; memory?: string };
interface PodMetrics {
  metadata: { name: string; namespace?: string };
  containers?: { name: string; usage?: Usage }[];
}
interface NodeMetrics {
  metadata: { name: string };
  usage?: Usage;
}

async function metrics<T>(cluster: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof KubeError && (err.status === 404 || err.status === 503)) {
      throw new ToolError(
        `the metrics API (metrics.k8s.io) is not available on cluster '${cluster}' (${err.message})`,
        "install metrics-server on the cluster, or use pods_list/resources_get for requests and limits",
      );
    }
    throw err;
  }
}

const podsTop = defineClusterTool({
  name: "pods_top",
  title: "Pods: Top",
  description:
    "CPU (millicores) and memory (MiB) used by pods, from the metrics API, like `kubectl top pods`.",
  input: () =>
    z.object({
      namespace: z
        .string()
        .min(1)
        .optional()
        .describe("Namespace (default: the context's namespace unless all_namespaces)."),
      name: z.string().min(1).optional().describe("A single pod's name."),
      labelSelector: listFields().labelSelector,
      all_namespaces: z.boolean().optional().describe("All namespaces (default false)."),
    }),
  output: () =>
    clusterOutput({
      pods: z
        .array(
          z.object({
            namespace: z.string(),
            name: z.string(),
            cpuMillicores: z.number().int(),
            memoryBytes: z.number(),
          }),
        )
        .describe("Pods by CPU use, highest first (the sum over each pod's containers)."),
    }),
  annotations: READ_ONLY,
  handler: async (args, ctx) => {
    const c = ctx.cluster;
    const ns =
      args.all_namespaces && !args.name ? undefined : (args.namespace ?? (await c.info()).defaultNamespace);
    const name = args.name;
    const items = name
      ? [await metrics(c.name, () => c.get<PodMetrics>({ resource: POD_METRICS, name, namespace: ns }))]
      : ((
          await metrics(c.name, () =>
            c.list<{ items?: PodMetrics[] }>(POD_METRICS, {
              namespace: ns,
              labelSelector: args.labelSelector,
            }),
          )
        ).items ?? []);
    const rows = items.map((p) => {
      const cpu = (p.containers ?? []).reduce((a, c) => a + parseQuantity(c.usage?.cpu), 0);
      const mem = (p.containers ?? []).reduce((a, c) => a + parseQuantity(c.usage?.memory), 0);
      return { namespace: p.metadata.namespace ?? "", name: p.metadata.name, cpu, mem };
    });
    rows.sort((a, b) => b.cpu - a.cpu);
    const headers = [...(ns ? [] : ["NAMESPACE"]), "NAME", "CPU(cores)", "MEMORY(bytes)"];
    const table = formatTable(
      headers,
      rows.map((r) => [
        ...(ns ? [] : [r.namespace]),
        r.name,
        formatMillicores(r.cpu),
        formatMebibytes(r.mem),
      ]),
    );
    return {
      text: rows.length
        ? table
        : `No pod metrics found${ns ? ` in namespace ${ns}` : ""} on cluster '${ctx.cluster.name}'.`,
      structured: {
        cluster: ctx.cluster.name,
        pods: rows.map((r) => ({
          namespace: r.namespace,
          name: r.name,
          cpuMillicores: Math.round(r.cpu * 1000),
          memoryBytes: r.mem,
        })),
      },
    };
  },
});

const nodesTop = defineClusterTool({
  name: "nodes_top",
  title: "Nodes: Top",
  description:
    "CPU and memory used by nodes and the share of their allocatable capacity, like `kubectl top nodes`.",
  input: () =>
    z.object({
      name: z.string().min(1).optional().describe("A single node's name."),
      labelSelector: listFields().labelSelector,
    }),
  output: () =>
    clusterOutput({
      nodes: z.array(
        z.object({
          name: z.string(),
          cpuMillicores: z.number().int(),
          cpuPercent: z.number().nullable().describe("Share of allocatable CPU, or null when unknown."),
          memoryBytes: z.number(),
          memoryPercent: z.number().nullable().describe("Share of allocatable memory, or null when unknown."),
        }),
      ),
    }),
  annotations: READ_ONLY,
  handler: async (args, ctx) => {
    const c = ctx.cluster;
    const name = args.name;
    const [m, nodes] = await Promise.all([
      name
        ? metrics(c.name, () => c.get<NodeMetrics>({ resource: NODE_METRICS, name })).then((x) => [x])
        : metrics(c.name, () =>
            c.list<{ items?: NodeMetrics[] }>(NODE_METRICS, { labelSelector: args.labelSelector }),
          ).then((x) => x.items ?? []),
      c.list<{ items?: { metadata: { name: string }; status?: { allocatable?: Usage } }[] }>(NODES, {
        labelSelector: args.labelSelector,
        fieldSelector: name ? `metadata.name=${name}` : undefined,
      }),
    ]);
    const alloc = new Map((nodes.items ?? []).map((n) => [n.metadata.name, n.status?.allocatable ?? {}]));
    const pct = (used: number, total: number): number | null =>
      total > 0 ? Math.round((used / total) * 100) : null;
    const nodesOut = m.map((n) => {
      const cpu = parseQuantity(n.usage?.cpu);
      const mem = parseQuantity(n.usage?.memory);
      const a = alloc.get(n.metadata.name) ?? {};
      return {
        name: n.metadata.name,
        cpu,
        cpuMillicores: Math.round(cpu * 1000),
        cpuPercent: pct(cpu, parseQuantity(a.cpu)),
        memoryBytes: mem,
        memoryPercent: pct(mem, parseQuantity(a.memory)),
      };
    });
    const shown = (p: number | null): string => (p === null ? "<unknown>" : `${p}%`);
    const rows = nodesOut.map((n) => [
      n.name,
      formatMillicores(n.cpu),
      shown(n.cpuPercent),
      formatMebibytes(n.memoryBytes),
      shown(n.memoryPercent),
    ]);
    return {
      text: rows.length
        ? formatTable(["NAME", "CPU(cores)", "CPU%", "MEMORY(bytes)", "MEMORY%"], rows)
        : `No node metrics found on cluster '${ctx.cluster.name}'.`,
      structured: {
        cluster: ctx.cluster.name,
        nodes: nodesOut.map(({ cpu: _cpu, ...n }) => n),
      },
    };
  },
});

/** Why: the metrics tool group, listed in tools/index.ts. */
export function topTools(): AnyTool[] {
  return [podsTop, nodesTop];
}
