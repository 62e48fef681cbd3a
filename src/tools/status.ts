// clusters_status: health told apart from permission, credential expiry, and a fleet-sized answer at scale.
import { z } from "zod";
import type { ExpiryView } from "../clusters/expiry.js";
import { type ClusterHealth, checkCluster } from "../clusters/health.js";
import { selectClusters } from "../clusters/select.js";
import { textShare } from "../mcp/budget.js";
import { defineFleetTool } from "../mcp/tool.js";
import { deadline } from "../util/deadline.js";
import { once } from "../util/once.js";
import { mapPool } from "../util/pool.js";
import { formatTable } from "../util/table.js";
import { expiryCell, expiryReader, expirySchema } from "./expiry-view.js";
import { describeGroups, fitLines, groupValues, nameList } from "./fleet-groups.js";

/** Why: up to this many clusters the text is one full table; beyond it, counts then only what needs attention. */
const FULL_TABLE_UP_TO = 20;

/** Why: a problem with the cluster sources (malformed file, collision...), as clusters_list and status report it. */
export const problemSchema = once(() =>
  z.object({
    kind: z.enum(["malformed", "collision", "missing", "filtered-default", "skipped"]),
    message: z.string(),
    file: z.string().optional(),
    cluster: z.string().optional(),
  }),
);

type Row = ClusterHealth & { credentials?: ExpiryView };

const READ = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
} as const;

function detailOf(r: Row): string {
  if (r.status !== "ok") return r.detail ?? "";
  return [r.user ? `as ${r.user}` : "", r.note ?? ""].filter(Boolean).join("; ");
}

function table(rows: readonly Row[]): string[] {
  return formatTable(
    ["CLUSTER", "STATUS", "VERSION", "LATENCY", "CREDENTIALS", "DETAIL"],
    rows.map((r) => [
      r.cluster,
      r.status,
      r.version ?? "-",
      r.latencyMs === undefined ? "-" : `${r.latencyMs}ms`,
      expiryCell(r.credentials),
      detailOf(r),
    ]),
  ).split("\n");
}

// At scale: counts by status, versions and notes as majority and outliers, then only the rows needing attention.
function fleetText(head: string, rows: readonly Row[], budget: number, warnText: string): string {
  const counts = groupValues(rows.map((r) => [r.cluster, r.status] as const))
    .map((g) => `${g.value} ${g.clusters.length}`)
    .join(", ");
  const versions = groupValues(rows.flatMap((r) => (r.version ? [[r.cluster, r.version] as const] : [])));
  const notes = groupValues(rows.flatMap((r) => (r.note ? [[r.cluster, r.note] as const] : [])));
  const attention = rows.filter((r) => r.status !== "ok" || r.credentials?.warning);
  const expiring = rows.filter((r) => r.credentials?.warning).length;
  const lines = [`${head}: ${counts}`];
  if (versions.length) lines.push(`versions: ${describeGroups(versions)}`);
  for (const n of notes)
    lines.push(`note on ${n.clusters.length} cluster(s) (${nameList(n.clusters)}): ${n.value}`);
  if (expiring) lines.push(`credentials expiring within ${warnText}: ${expiring} cluster(s)`);
  if (!attention.length) return [...lines, "Every cluster is ok."].join("\n");
  lines.push(`Clusters not ok or with expiring credentials (${attention.length}):`);
  const [header, ...body] = table(attention);
  return fitLines(
    [...lines, header ?? ""],
    body,
    budget,
    (n) =>
      `... ${n} more row(s) folded to fit max_output_bytes; structuredContent lists every cluster (narrow with \`clusters\`)`,
  );
}

/** Why: the status tool, listed with the other cluster tools. */
export const clustersStatus = defineFleetTool({
  name: "clusters_status",
  title: "Clusters: Status",
  description:
    "Check clusters in parallel: reachability, TLS and authentication (GET /version and a SelfSubjectReview, which any authenticated identity may do, and which says who the cluster sees), server version, latency, and when each cluster's credentials expire. A cluster that answers and authenticates is ok; what the identity cannot list is a note, not a failure. Classes: ok, unreachable, tls-error, unauthorized, timeout, bad-kubeconfig, error. Beyond 20 clusters the text gives counts by status and only the clusters needing attention (structuredContent has all). The whole call is bounded by timeout_seconds.",
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
            "timeout",
            "bad-kubeconfig",
            "cancelled",
            "error",
          ]),
          version: z.string().optional(),
          latencyMs: z.number().optional(),
          server: z.string().optional(),
          user: z.string().optional().describe("Who the cluster says this identity is (SelfSubjectReview)."),
          detail: z.string().optional(),
          note: z.string().optional().describe("What an ok cluster's identity cannot do."),
          credentials: expirySchema(),
        }),
      ),
      problems: z.array(problemSchema()),
    }),
  annotations: READ,
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
    const checked: ClusterHealth[] = outcomes.map((o, i) =>
      o.status === "done"
        ? cutOff(o.value)
        : { cluster: names[i] ?? "", status: "timeout", detail: "not checked before the deadline" },
    );
    // After the checks: an exec plugin that just ran has told its credential's expiry.
    const expiry = expiryReader(ctx.deps);
    const results: Row[] = await Promise.all(
      checked.map(async (h) => {
        const credentials = await expiry(h.cluster);
        return credentials ? { ...h, credentials } : h;
      }),
    );
    const ok = results.filter((r) => r.status === "ok").length;
    const elapsed = Math.round(performance.now() - started);
    const head = `${ok}/${results.length} clusters ok (checked in ${elapsed} ms, timeout ${timeoutMs / 1000}s)`;
    const problems = ctx.deps.clusters.problems();
    const notes = problems.map((p) => `problem (${p.kind}): ${p.message}`);
    const budget = textShare(ctx.budget);
    const body =
      results.length <= FULL_TABLE_UP_TO
        ? [head, ...table(results)].join("\n")
        : fleetText(
            head,
            results,
            budget - Buffer.byteLength(notes.join("\n")) - 1,
            ctx.deps.config.credential_warning,
          );
    return {
      text: [body, ...notes].join("\n"),
      structured: { ok, total: results.length, elapsedMs: elapsed, clusters: results, problems },
    };
  },
});
