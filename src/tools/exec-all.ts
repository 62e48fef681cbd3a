// clusters_exec_all: one cluster-aware tool run on many clusters, bounded, cancellable, with partial results.
import { setMaxListeners } from "node:events";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { z } from "zod";
import { selectClusters } from "../clusters/select.js";
import type { Config } from "../config/index.js";
import { ToolError } from "../errors.js";
import { mergedSchema, mergeOutcomes } from "../fleet/merge-legs.js";
import { packSections } from "../fleet/sections.js";
import { isConfirmCluster } from "../mcp/confirm.js";
import { validateArgs } from "../mcp/invoke.js";
import { isToolEnabled } from "../mcp/policy.js";
import { truncate } from "../mcp/results.js";
import { type AnyTool, defineFleetTool, type ToolContext } from "../mcp/tool.js";
import { abortable } from "../util/abortable.js";
import { deadline } from "../util/deadline.js";
import { once } from "../util/once.js";
import { mapPool } from "../util/pool.js";

const leg = once(() =>
  z.object({
    cluster: z.string(),
    status: z.enum(["ok", "error", "timeout", "cancelled", "skipped"]),
    durationMs: z.number().int(),
    result: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        "The operation's structuredContent on this cluster (see its outputSchema in tools/list), fitted with its text to this cluster's share of the output budget (a list keeps its `continue` token).",
      ),
    output: z
      .string()
      .optional()
      .describe(
        "The operation's text output on this cluster, when it has no structured `result` (the text is also in the call's text).",
      ),
    error: z.string().optional(),
  }),
);

/** Why: one cluster's outcome in a fan-out, also returned as structuredContent. */
export type LegResult = z.infer<ReturnType<typeof leg>>;

const READ_CONCURRENCY = 64;
const WRITE_CONCURRENCY = 5;
// What the fan-out's own text and JSON take: the summary, and per leg its section header and result wrapper.
const SUMMARY_BYTES = 200;
const LEG_WRAPPER_BYTES = 100;
// A leg's share never goes below this; past that many clusters not every leg fits, and the answer names the rest.
const MIN_LEG_BYTES = 256;

/**
 * Why: each cluster's share of the output budget (its text and structured result together), so a list leg is
 * fetched to fit it and keeps its continue token.
 */
export function legBudget(budget: number, clusters: readonly string[]): number {
  return Math.max(MIN_LEG_BYTES, fairShare(budget, clusters));
}

function fairShare(budget: number, clusters: readonly string[]): number {
  const wrappers = clusters.reduce((n, c) => n + LEG_WRAPPER_BYTES + 2 * Buffer.byteLength(c), SUMMARY_BYTES);
  return Math.floor((budget - wrappers) / Math.max(1, clusters.length));
}

// A leg that ran and did not answer: named first when not every leg fits.
const isFailure = (r: LegResult): boolean => r.status === "error" || r.status === "timeout";

function summarize(results: LegResult[]): string {
  const n = (s: LegResult["status"]) => results.filter((r) => r.status === s).length;
  const parts = [`${n("ok")}/${results.length} ok`];
  if (n("error")) parts.push(`${n("error")} failed`);
  if (n("timeout")) parts.push(`${n("timeout")} timed out`);
  if (n("cancelled")) parts.push(`${n("cancelled")} cancelled`);
  if (n("skipped")) parts.push(`${n("skipped")} skipped`);
  return parts.join(", ");
}

interface Leg {
  timeoutMs: number;
  stop: AbortSignal;
  confirmed: boolean;
  budget: number;
}

async function runLeg(
  ctx: ToolContext,
  op: AnyTool,
  params: Record<string, unknown>,
  cluster: string,
  leg: Leg,
): Promise<LegResult> {
  const { timeoutMs, stop } = leg;
  const limit = deadline(timeoutMs, stop);
  const signal = limit.signal;
  const started = performance.now();
  // The leg is a full call through the one entry; abortable() is the backstop so one stuck leg never holds the rest.
  const res = await abortable(
    ctx.runLeg(
      op,
      { ...params, cluster },
      { signal, fanoutId: ctx.callId, confirmed: leg.confirmed, budget: leg.budget },
    ),
    signal,
    () => new Error("aborted"),
  )
    .catch((): CallToolResult => ({ isError: true, content: [{ type: "text", text: "aborted" }] }))
    .finally(limit.clear);
  const durationMs = Math.round(performance.now() - started);
  const text = res.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
  if (!res.isError)
    return {
      cluster,
      status: "ok",
      durationMs,
      output: text,
      result: res.structuredContent as Record<string, unknown> | undefined,
    };
  if (limit.timedOut())
    return { cluster, status: "timeout", durationMs, error: `no result within ${timeoutMs / 1000}s` };
  if (stop.aborted) return { cluster, status: "cancelled", durationMs, error: "cancelled" };
  // Half the leg's share: the error appears in its section and in its structured leg.
  return { cluster, status: "error", durationMs, error: truncate(text, Math.floor(leg.budget / 2)) };
}

/** Why: builds the fan-out tool over the cluster-aware tools policy allows; its annotations follow theirs. */
export function execAllTool(tools: readonly AnyTool[], config: Config): AnyTool | undefined {
  const ops = tools.filter((t) => t.kind === "cluster" && isToolEnabled(t, config));
  const [first, ...rest] = ops.map((t) => t.name);
  if (!first) return undefined;
  const byName = new Map(ops.map((t) => [t.name, t]));
  const anyWrite = ops.some((t) => !t.annotations.readOnlyHint);
  return defineFleetTool({
    name: "clusters_exec_all",
    title: "Clusters: Execute on All",
    description:
      "Run one cluster-aware tool (e.g. pods_list, resources_get, events_list) on many clusters at once, concurrently, with a per-cluster timeout and partial results: a summary line, then each cluster's output or error; structuredContent has each cluster's structured result. An error when no cluster succeeded. Prefer this over calling a tool once per cluster.",
    schemaVariant: [first, ...rest].join(","),
    input: () =>
      z.object({
        operation: z.enum([first, ...rest]).describe("Name of the tool to run on each cluster."),
        parameters: z
          .record(z.string(), z.unknown())
          .optional()
          .describe("Arguments for that tool, exactly as it takes them, without `cluster`."),
        clusters: z
          .array(z.string().min(1))
          .optional()
          .describe("Cluster names, aliases or globs such as 'c1-*' (default: every cluster)."),
        fail_fast: z
          .boolean()
          .optional()
          .describe("Stop at the first failure: cancel running legs, skip the rest (default false)."),
        concurrency: z
          .number()
          .int()
          .min(1)
          .max(256)
          .optional()
          .describe(
            `Clusters processed at once (default ${READ_CONCURRENCY} for read-only operations, ${WRITE_CONCURRENCY} for writes).`,
          ),
        timeout_seconds: z
          .number()
          .positive()
          .max(600)
          .optional()
          .describe("Timeout per cluster in seconds (default 30)."),
        merge: z
          .boolean()
          .optional()
          .describe(
            "For list operations (pods_list, resources_list, events_list, ...): one table over all clusters with a CLUSTER column, identical results grouped, a fair share of rows per cluster, counts where rows do not fit, and each cluster's continue token in structuredContent.merged.clusters (default false: one section per cluster). Use it for many clusters.",
          ),
        confirm: z
          .boolean()
          .optional()
          .describe(
            "Required (true) to run a destructive operation on more than one cluster, or a write on a cluster listed in confirm_clusters, unless you confirm when asked.",
          ),
      }),
    output: () =>
      z.object({
        operation: z.string(),
        summary: z.string().describe("e.g. 'pods_list on 4 clusters: 3/4 ok, 1 failed (120 ms)'."),
        elapsedMs: z.number().int(),
        fanoutId: z.string().describe("The audit records of the legs carry this as their fanoutId."),
        merged: mergedSchema().optional(),
        fleetSummary: z
          .array(z.string())
          .optional()
          .describe(
            "The operation's fleet view, when it has one (helm_list: one line per chart and version).",
          ),
        results: z
          .array(leg())
          .describe("One per cluster, failures first when not every cluster fits (see `omitted`)."),
        omitted: z
          .array(z.string())
          .optional()
          .describe(
            "Clusters whose legs did not fit max_output_bytes: run again with `clusters` set to these, or merge: true.",
          ),
      }),
    annotations: {
      readOnlyHint: !anyWrite,
      destructiveHint: ops.some((t) => t.annotations.destructiveHint),
      idempotentHint: false,
      openWorldHint: true,
    },
    handler: async (args, ctx) => {
      const op = byName.get(args.operation);
      if (!op) throw new ToolError(`unknown operation '${args.operation}'`);
      const params = args.parameters ?? {};
      for (const key of ["cluster", "confirm"] as const)
        if (key in params)
          throw new ToolError(
            `\`parameters\` must not contain \`${key}\``,
            key === "cluster"
              ? "select clusters with `clusters`"
              : "pass `confirm` to clusters_exec_all itself",
          );
      // The same check the one entry runs on every leg, once up front so a mistake is one error, not one per leg.
      const checked = validateArgs(op, params, ctx.deps);
      if (!checked.ok)
        throw new ToolError(
          `invalid parameters for ${op.name}: ${checked.message}`,
          `see the input schema of ${op.name} in tools/list`,
        );
      const clusters = await selectClusters(ctx.deps.clusters, args.clusters);
      const guarded = clusters.filter((c) =>
        isConfirmCluster(c, ctx.deps.config, (n) => ctx.deps.clusters.namesOf(n)),
      );
      const wide = op.annotations.destructiveHint && clusters.length > 1;
      // Asked once for the whole fan-out. Unconfirmed, a leg on a confirm_clusters cluster may still read; its
      // first write request is refused at that leg's boundary (write = the verb of the request).
      let confirmed = args.confirm === true;
      if (!confirmed && (wide || (guarded.length > 0 && !op.annotations.readOnlyHint))) {
        confirmed = await ctx.confirm(
          wide
            ? `Run ${op.name} (destructive) on ${clusters.length} clusters: ${clusters.join(", ")}?`
            : `Run ${op.name} (a write) on ${guarded.join(", ")} (listed in confirm_clusters), in a fan-out over ${clusters.length} clusters?`,
        );
        if (!confirmed && wide) {
          throw new ToolError(
            `${op.name} is destructive and would run on ${clusters.length} clusters; not confirmed`,
            "pass confirm: true after checking the cluster list, or narrow `clusters`",
          );
        }
      }
      const timeoutMs = Math.round((args.timeout_seconds ?? 30) * 1000);
      const limit = args.concurrency ?? (op.annotations.readOnlyHint ? READ_CONCURRENCY : WRITE_CONCURRENCY);
      const stop = new AbortController();
      setMaxListeners(clusters.length + 16, stop.signal); // one listener per leg is expected, not a leak
      const onCancel = () => stop.abort();
      ctx.signal.addEventListener("abort", onCancel, { once: true });
      const started = performance.now();
      // A merged answer shows a share of each leg's rows itself (mergeLists), so its legs get the whole budget.
      const budget = args.merge ? ctx.budget : legBudget(ctx.budget, clusters);
      let done = 0;
      try {
        const outcomes = await mapPool(
          clusters,
          limit,
          async (cluster) => {
            const r = await runLeg(ctx, op, params, cluster, {
              timeoutMs,
              stop: stop.signal,
              confirmed,
              budget,
            });
            done++;
            await ctx.progress(done, clusters.length, `${cluster}: ${r.status}`);
            if (args.fail_fast && r.status !== "ok" && r.status !== "cancelled") stop.abort();
            return r;
          },
          stop.signal,
        );
        const results: LegResult[] = outcomes.map((o, i) =>
          o.status === "done" ? o.value : { cluster: clusters[i] ?? "", status: "skipped", durationMs: 0 },
        );
        const elapsed = Math.round(performance.now() - started);
        const summary = `${op.name} on ${results.length} clusters: ${summarize(results)} (${elapsed} ms)`;
        // No cluster succeeded: the call failed, and says so; the sections and legs say why on each cluster.
        const failed = results.length > 0 && !results.some((r) => r.status === "ok");
        const head = { operation: op.name, summary, elapsedMs: elapsed, fanoutId: ctx.callId };
        if (args.merge) {
          const m = mergeOutcomes(results, ctx.budget);
          return {
            text: `${summary}\n${m.text}`,
            failed,
            structured: {
              ...head,
              merged: m.merged,
              results: results.map(({ output: _o, result: _r, error, ...r }) => ({
                ...r,
                ...(error ? { error: truncate(error, 300) } : {}),
              })),
            },
          };
        }
        // Each leg's text and result already fit its share (the one entry applied it): nothing is cut here, so
        // every list leg keeps its continue token. The text carries each output once, the JSON each result once.
        const bounded = results.map(
          ({ output, ...r }): LegResult =>
            r.result === undefined && output !== undefined ? { ...r, output } : r,
        );
        const sections = results.map(({ output, error, ...r }, i) => {
          const head = `=== ${r.cluster}: ${r.status}${r.status === "skipped" ? "" : ` (${r.durationMs} ms)`} ===`;
          const body = output ?? error ?? "";
          const leg = bounded[i] as LegResult;
          const paged = typeof r.result?.continue === "string" && r.result.continue !== "";
          return {
            cluster: r.cluster,
            failed: isFailure(leg),
            text: body ? `${head}\n${body}` : head,
            leg,
            paged,
          };
        });
        const fleet = op.fleetSummary?.(
          results.flatMap((r) =>
            r.status === "ok" && r.result ? [{ cluster: r.cluster, result: r.result }] : [],
          ),
        );
        // Legs that do not all fit: failures named first, as many legs as fit, the rest named with how to reach them.
        const packed = packSections(
          {
            lines: [summary, ...(fleet ?? [])],
            structured: { ...head, ...(fleet ? { fleetSummary: fleet } : {}) },
            operation: op.name,
            isError: failed,
            budget: ctx.budget,
            share: budget,
          },
          sections,
        );
        return {
          ...packed,
          failed,
          narrowHint: "narrow `clusters` or the operation's parameters",
        };
      } finally {
        ctx.signal.removeEventListener("abort", onCancel);
      }
    },
  });
}
