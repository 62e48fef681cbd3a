// NSK/Rancher tools: refresh kubeconfigs, show integration status, discover new clusters. Registered only when configured.
import { z } from "zod";

import { ToolError } from "../errors.js";
import { type AnyTool, defineFleetTool, type ToolContext } from "../mcp/tool.js";
import { formatReport, formatStatus } from "../rancher/report.js";
import type { RefreshReport } from "../rancher/run.js";
import type { RancherService } from "../rancher/service.js";
import { once } from "../util/once.js";

// Reports are wide and owned by src/rancher; the schema names the fields agents branch on and admits the rest.
const reportSchema = once(() =>
  z.looseObject({
    outcome: z.string().describe("How the run ended (e.g. ok, partial, failed, skipped)."),
    added: z.array(z.string()),
    updated: z.array(z.string()),
    unchanged: z.array(z.string()),
    failed: z.array(z.object({ name: z.string(), error: z.string() })),
    vanished: z.array(z.string()),
  }),
);

const WRITES = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: true,
} as const;

function service(ctx: ToolContext): RancherService {
  const rancher = ctx.deps.rancher;
  if (!rancher) throw new ToolError("Rancher/NSK integration is not configured", "add an [nsk] section");
  return rancher;
}

function result(
  title: string,
  r: RefreshReport,
): { text: string; structured: z.infer<ReturnType<typeof reportSchema>> } {
  const text = formatReport(title, r);
  if (r.outcome === "failed" || r.outcome === "cancelled") throw new ToolError(text);
  return { text, structured: { ...r } };
}

function relay(ctx: ToolContext): (done: number, total: number, message: string) => void {
  return (done, total, message) => {
    void ctx.progress(done, total, message);
  };
}

const nskRefresh = defineFleetTool({
  name: "nsk_refresh",
  title: "NSK: Refresh Kubeconfigs",
  description:
    "Regenerate the per-cluster kubeconfig files from Rancher (through the nsk CLI or Rancher's API) and reload the cluster list. Files younger than refresh_interval are kept (each regeneration mints a new Rancher token) unless force is true; a second refresh within min_refresh_interval is refused unless forced. Reports added, updated, unchanged, failed and vanished clusters; vanished clusters' files are kept, never deleted. Sends progress per cluster.",
  input: () =>
    z.object({
      force: z
        .boolean()
        .optional()
        .describe(
          "Regenerate every kubeconfig even if still fresh, and ignore min_refresh_interval (default false). Use after credentials were revoked.",
        ),
    }),
  output: reportSchema,
  annotations: WRITES,
  handler: async (args, ctx) => {
    const report = await service(ctx).refresh({
      force: args.force === true,
      signal: ctx.signal,
      progress: relay(ctx),
    });
    return result("refresh", report);
  },
});

const nskStatus = defineFleetTool({
  name: "nsk_status",
  title: "NSK: Integration Status",
  description:
    "Show the Rancher/NSK integration: driver (nsk CLI or Rancher API), Rancher URL, profile, kubeconfig directory, last refresh (time, duration, outcome, counts), next scheduled refresh and cluster counts. Never shows the token. Local only: does not contact Rancher.",
  input: () => z.object({}),
  output: () =>
    z.looseObject({
      driver: z.string(),
      autoRefresh: z.boolean(),
      refreshing: z.boolean(),
      clusters: z.object({
        filesInDirectory: z.number(),
        served: z.number(),
        inRancher: z.number().optional(),
      }),
    }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async (_args, ctx) => {
    const status = await service(ctx).status();
    return { text: formatStatus(status), structured: { ...status } };
  },
});

const nskDiscover = defineFleetTool({
  name: "nsk_clusters_discover",
  title: "NSK: Discover Clusters",
  description:
    "Ask Rancher which clusters exist and fetch kubeconfigs for those the directory does not have yet (respecting cluster_pattern and exclude_clusters), then reload the cluster list. Existing files are left alone (use nsk_refresh to renew them).",
  input: () =>
    z.object({
      pattern: z
        .string()
        .optional()
        .describe("Only clusters whose name matches this regular expression, e.g. '^c1-'. Default: all."),
    }),
  output: reportSchema,
  annotations: WRITES,
  handler: async (args, ctx) => {
    const report = await service(ctx).discover({
      pattern: args.pattern,
      signal: ctx.signal,
      progress: relay(ctx),
    });
    return result("discovery", report);
  },
});

/** Why: the nsk tool group; empty unless Rancher/NSK is configured (deps.rancher exists). */
export function nskTools(configured: boolean): AnyTool[] {
  return configured ? [nskRefresh, nskStatus, nskDiscover] : [];
}
