// Cluster tools: list, switch and status. Not cluster-aware: they are about the fleet and the session.
import { z } from "zod";
import { emptyFleetAdvice } from "../clusters/advice.js";
import { type ClusterHealth, checkCluster } from "../clusters/health.js";
import { selectClusters } from "../clusters/select.js";
import { type AnyTool, defineFleetTool } from "../mcp/tool.js";
import { redactText } from "../redact/text.js";
import { deadline } from "../util/deadline.js";
import { once } from "../util/once.js";
import { mapPool } from "../util/pool.js";
import { formatTable } from "../util/table.js";

const READ = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
} as const;

interface ListRow {
  name: string;
  active: boolean;
  aliases: string[];
  source?: "dir" | "classic" | "in-cluster";
  file?: string;
  context?: string;
  server?: string;
  namespace?: string;
  otherContexts?: string[];
  error?: string;
}

const problemSchema = once(() =>
  z.object({
    kind: z.enum(["malformed", "collision", "missing", "filtered-default", "skipped"]),
    message: z.string(),
    file: z.string().optional(),
    cluster: z.string().optional(),
  }),
);

const clustersList = defineFleetTool({
  name: "clusters_list",
  title: "Clusters: List",
  description:
    "List the Kubernetes clusters this server can reach (one per kubeconfig file, plus classic kubeconfig contexts), with aliases and which one is active in this session. Reads local files only; use clusters_status to check connectivity.",
  input: () =>
    z.object({
      show_details: z
        .boolean()
        .optional()
        .describe(
          "Also show each cluster's API server URL, context, default namespace and other contexts (default false).",
        ),
    }),
  output: () =>
    z.object({
      active: z.string().nullable().describe("This session's active cluster, or null."),
      clusters: z.array(
        z.object({
          name: z.string(),
          active: z.boolean(),
          aliases: z.array(z.string()),
          source: z.enum(["dir", "classic", "in-cluster"]).optional(),
          file: z.string().optional(),
          context: z.string().optional(),
          server: z.string().optional(),
          namespace: z.string().optional(),
          otherContexts: z.array(z.string()).optional(),
          error: z.string().optional(),
        }),
      ),
      hidden: z.number().int().describe("Clusters hidden by cluster_pattern/exclude_clusters."),
      problems: z.array(problemSchema()),
    }),
  annotations: READ,
  handler: async (args, ctx) => {
    const { clusters } = ctx.deps;
    await clusters.refreshIfUnwatched();
    const names = clusters.names();
    const active = ctx.deps.sessions.activeOf(ctx.session);
    const rows: ListRow[] = await Promise.all(
      names.map(async (name): Promise<ListRow> => {
        const row: ListRow = { name, active: name === active, aliases: clusters.aliasesOf(name) };
        if (!args.show_details) return row;
        try {
          const d = await clusters.details(name);
          return {
            ...row,
            source: d.source,
            file: d.file,
            context: d.context,
            server: d.server,
            namespace: d.namespace,
            otherContexts: d.otherContexts,
          };
        } catch (err) {
          return { ...row, error: redactText((err as Error).message) };
        }
      }),
    );
    const headers = args.show_details
      ? ["ACTIVE", "NAME", "ALIASES", "SOURCE", "SERVER", "NAMESPACE", "OTHER CONTEXTS"]
      : ["ACTIVE", "NAME", "ALIASES"];
    const table = formatTable(
      headers,
      rows.map((r) => {
        const base = [r.active ? "*" : "", r.name, r.aliases.join(",")];
        if (!args.show_details) return base;
        return [
          ...base,
          r.source ?? "error",
          r.server ?? r.error ?? "",
          r.namespace ?? "",
          (r.otherContexts ?? []).join(","),
        ];
      }),
    );
    const problems = clusters.problems();
    const hidden = clusters.hiddenCount();
    const canRefresh = ctx.deps.rancher !== undefined && !ctx.deps.config.read_only;
    const pick = ctx.deps.config.require_cluster
      ? "pass `cluster` on each call (require_cluster is set)"
      : "pass `cluster` or call clusters_switch";
    const lines = names.length
      ? [table, `${names.length} cluster(s); active: ${active ?? `none (${pick})`}`]
      : [`No clusters: ${emptyFleetAdvice({ ...clusters.sourceFacts(), canRefresh })}`];
    if (hidden) lines.push(`${hidden} cluster(s) hidden by cluster_pattern/exclude_clusters.`);
    const own = clusters.inClusterName();
    if (own) lines.push(`'${own}' is this pod's own cluster (in-cluster mode, its service-account token).`);
    for (const p of problems) lines.push(`problem (${p.kind}): ${p.message}`);
    return {
      text: lines.join("\n"),
      structured: { active: active ?? null, clusters: rows, hidden, problems },
    };
  },
});

const clustersSwitch = defineFleetTool({
  name: "clusters_switch",
  title: "Clusters: Switch Context",
  description:
    "Make a cluster the active one for this session, so tools called without `cluster` run there. Changes only this session's state: no kubeconfig file is modified and other sessions are unaffected.",
  input: () =>
    z.object({
      cluster: z
        .string()
        .min(1)
        .describe("Cluster name or alias to make active, e.g. 'c1-sv5' or 'production'."),
    }),
  output: () => z.object({ active: z.string(), previous: z.string().nullable() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  sessionOnly: true,
  handler: async (args, ctx) => {
    const name = await ctx.deps.clusters.resolve(args.cluster);
    const previous = ctx.deps.sessions.activeOf(ctx.session);
    ctx.session.activeCluster = name;
    const via = name !== args.cluster ? ` ('${args.cluster}' resolves to it)` : "";
    return {
      text: `Active cluster for this session is now '${name}'${via}; previously ${previous ? `'${previous}'` : "none"}.`,
      structured: { active: name, previous: previous ?? null },
    };
  },
});

const clustersStatus = defineFleetTool({
  name: "clusters_status",
  title: "Clusters: Status",
  description:
    "Check clusters in parallel: reachability, TLS, credentials and RBAC, server version and latency. Each cluster is classified as ok, unreachable, tls-error, unauthorized, forbidden, timeout or bad-kubeconfig. The whole call is bounded by timeout_seconds.",
  input: () =>
    z.object({
      clusters: z
        .array(z.string().min(1))
        .optional()
        .describe("Cluster names, aliases or globs (e.g. ['c1-*']) to check; default all clusters."),
      timeout_seconds: z
        .number()
        .positive()
        .max(120)
        .optional()
        .describe("Bound for the whole check, in seconds (default 5, max 120)."),
    }),
  output: () =>
    z.object({
      ok: z.number().int(),
      total: z.number().int(),
      elapsedMs: z.number().int(),
      clusters: z.array(
        z.object({
          cluster: z.string(),
          status: z.enum([
            "ok",
            "unreachable",
            "tls-error",
            "unauthorized",
            "forbidden",
            "timeout",
            "bad-kubeconfig",
            "cancelled",
            "error",
          ]),
          version: z.string().optional(),
          latencyMs: z.number().optional(),
          server: z.string().optional(),
          detail: z.string().optional(),
        }),
      ),
      problems: z.array(problemSchema()),
    }),
  annotations: { ...READ, idempotentHint: true, openWorldHint: true },
  handler: async (args, ctx) => {
    const names = await selectClusters(ctx.deps.clusters, args.clusters);
    const timeoutMs = Math.round((args.timeout_seconds ?? 5) * 1000);
    const limit = deadline(timeoutMs, ctx.signal);
    const started = performance.now();
    const outcomes = await mapPool(
      names,
      64,
      async (name) => checkCluster(await ctx.openCluster(name, { signal: limit.signal, timeoutMs })),
      limit.signal,
    ).finally(limit.clear);
    // A check cut off by the deadline (not by the client) is a timeout, whatever the socket said.
    const cutOff = (h: ClusterHealth): ClusterHealth =>
      h.status === "cancelled" && !ctx.signal.aborted
        ? { ...h, status: "timeout", detail: `no answer within ${timeoutMs} ms` }
        : h;
    const results: ClusterHealth[] = outcomes.map((o, i) =>
      o.status === "done"
        ? cutOff(o.value)
        : { cluster: names[i] ?? "", status: "timeout", detail: "not checked before the deadline" },
    );
    const ok = results.filter((r) => r.status === "ok").length;
    const elapsed = Math.round(performance.now() - started);
    const table = formatTable(
      ["CLUSTER", "STATUS", "VERSION", "LATENCY", "DETAIL"],
      results.map((r) => [
        r.cluster,
        r.status,
        r.version ?? "-",
        r.latencyMs === undefined ? "-" : `${r.latencyMs}ms`,
        r.detail ?? "",
      ]),
    );
    const problems = ctx.deps.clusters.problems();
    const notes = problems.map((p) => `\nproblem (${p.kind}): ${p.message}`).join("");
    return {
      text: `${ok}/${results.length} clusters ok (checked in ${elapsed} ms, timeout ${timeoutMs / 1000}s)\n${table}${notes}`,
      structured: { ok, total: results.length, elapsedMs: elapsed, clusters: results, problems },
    };
  },
});

/** Why: the cluster tool group, listed explicitly in tools/index.ts. */
export function clusterTools(): AnyTool[] {
  return [clustersList, clustersSwitch, clustersStatus];
}
