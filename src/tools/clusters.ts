// Cluster tools: list and switch (status lives in status.ts). Not cluster-aware: about the fleet and the session.
import { z } from "zod";
import { emptyFleetAdvice } from "../clusters/advice.js";
import type { ExpiryView } from "../clusters/expiry.js";
import { type AnyTool, defineFleetTool } from "../mcp/tool.js";
import { redactText } from "../redact/text.js";
import { formatTable } from "../util/table.js";
import { expiryCell, expiryReader, expirySchema } from "./expiry-view.js";
import { clustersStatus, problemSchema } from "./status.js";

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
  credentials?: ExpiryView;
  error?: string;
}

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
          "Also show each cluster's API server URL, context, default namespace, other contexts and when its credentials expire, read from the kubeconfig without contacting the cluster (default false).",
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
          credentials: expirySchema(),
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
    const expiry = expiryReader(ctx.deps);
    const rows: ListRow[] = await Promise.all(
      names.map(async (name): Promise<ListRow> => {
        const row: ListRow = { name, active: name === active, aliases: clusters.aliasesOf(name) };
        if (!args.show_details) return row;
        try {
          const [d, credentials] = await Promise.all([clusters.details(name), expiry(name)]);
          return {
            ...row,
            source: d.source,
            file: d.file,
            context: d.context,
            server: d.server,
            namespace: d.namespace,
            otherContexts: d.otherContexts,
            ...(credentials ? { credentials } : {}),
          };
        } catch (err) {
          return { ...row, error: redactText((err as Error).message) };
        }
      }),
    );
    const headers = args.show_details
      ? ["ACTIVE", "NAME", "ALIASES", "SOURCE", "SERVER", "NAMESPACE", "CREDENTIALS", "OTHER CONTEXTS"]
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
          r.source ? expiryCell(r.credentials) : "",
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
    const expiring = rows.filter((r) => r.credentials?.warning).length;
    if (expiring)
      lines.push(
        `${expiring} cluster(s) with credentials expiring within credential_warning (${ctx.deps.config.credential_warning}); renew them (nsk_refresh, or log in again).`,
      );
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

/** Why: the cluster tool group, listed explicitly in tools/index.ts. */
export function clusterTools(): AnyTool[] {
  return [clustersList, clustersSwitch, clustersStatus];
}
