// Registers tools on an McpServer: policy filtering, strict inputs, `cluster`/`confirm` (added here only),
// output schemas, progress and elicitation wiring.
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { Config } from "../config/index.js";
import { once } from "../util/once.js";
import { foldAliases, strictInput } from "./arguments.js";
import { answeringInputRequests, clientNameFor, confirmFor, progressFor } from "./ask.js";
import { CONFIRM_ARG_DESCRIPTION } from "./confirm.js";
import type { ServerDeps } from "./deps.js";
import { answerHiddenTool } from "./hidden-tools.js";
import { CLUSTER_ARG_DESCRIPTION, runTool } from "./invoke.js";
import { isToolEnabled } from "./policy.js";
import type { AnyTool, ToolAnnotations } from "./tool.js";

const REQUIRED_CLUSTER_DESCRIPTION =
  "Cluster name or alias (see clusters_list). Required: this server runs with require_cluster, so no call uses an implicit active cluster.";

// The `cluster` and `confirm` arguments, built on first use and shared by every tool and server (zod schemas are
// immutable), instead of a few schema objects per tool on every createServer.
const optionalCluster = once(() => z.string().optional().describe(CLUSTER_ARG_DESCRIPTION));
const requiredCluster = once(() =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? "`cluster` is required (require_cluster is set): name the cluster or alias to run on, see clusters_list"
          : undefined,
    })
    .min(1)
    .describe(REQUIRED_CLUSTER_DESCRIPTION),
);
const confirmArg = once(() => z.boolean().optional().describe(CONFIRM_ARG_DESCRIPTION));

// confirm_clusters gives cluster-aware writes a `confirm` argument.
function takesConfirm(tool: AnyTool, config: Config): boolean {
  return (config.confirm_clusters.length > 0 || tool.confirms === true) && !tool.annotations.readOnlyHint;
}

/**
 * Why: the schema a client sees, strict (unknown keys refused). Cluster-aware tools gain `cluster` here and
 * nowhere else; their writes gain `confirm` when confirm_clusters is configured.
 */
export function publicInputSchema(tool: AnyTool, config: Config): z.ZodObject<z.ZodRawShape> {
  if (tool.kind !== "cluster") return strictInput(tool.name, tool.input.shape);
  const cluster = config.require_cluster ? requiredCluster() : optionalCluster();
  const shape: Record<string, z.ZodType> = { ...tool.input.shape, cluster };
  if (takesConfirm(tool, config)) shape.confirm = confirmArg();
  return strictInput(tool.name, shape);
}

/**
 * Why: the output schema a client sees. A cluster-aware tool's must name its cluster; checked where the schema is
 * first built, which the build-time snapshot does for every tool, so a tool without it fails the build.
 */
export function publicOutputSchema(tool: AnyTool): z.ZodObject<z.ZodRawShape> {
  if (tool.kind === "cluster" && !("cluster" in tool.output.shape))
    throw new Error(`tool ${tool.name}: a cluster-aware tool's output must name its cluster (clusterOutput)`);
  return tool.output;
}

/** Why: registration and the build-time snapshot hand the SDK the same definition of a tool. */
export function toolRegistration(
  tool: AnyTool,
  config: Config,
): {
  title: string;
  description: string;
  inputSchema: z.ZodObject<z.ZodRawShape>;
  outputSchema: z.ZodObject<z.ZodRawShape>;
  annotations: ToolAnnotations & { title: string };
} {
  return {
    ...toolFacts(tool),
    inputSchema: publicInputSchema(tool, config),
    outputSchema: publicOutputSchema(tool),
  };
}

// What registration gives the SDK up front: everything but the schemas.
function toolFacts(tool: AnyTool): {
  title: string;
  description: string;
  annotations: ToolAnnotations & { title: string };
} {
  return {
    title: tool.title,
    description: tool.description,
    annotations: { title: tool.title, ...tool.annotations },
  };
}

// With require_cluster, or without a session (stateless HTTP), there is no active cluster to switch.
function isListed(tool: AnyTool, config: Config, stateless: boolean): boolean {
  if ((config.require_cluster || stateless) && tool.kind === "fleet" && tool.sessionOnly) return false;
  return isToolEnabled(tool, config);
}

/**
 * Why: one loop registers every enabled tool the same way; returns the names that were registered. A stateless
 * server's calls share one state key that nothing switches, so `cluster` or default_cluster decides.
 */
export function registerTools(
  server: McpServer,
  tools: readonly AnyTool[],
  deps: ServerDeps,
  stateless = false,
): string[] {
  const names: string[] = [];
  const fallbackKey = stateless ? "stateless" : "stdio";
  for (const tool of tools) {
    if (!isListed(tool, deps.config, stateless)) {
      answerHiddenTool(server, tool, deps.config);
      continue;
    }
    server.registerTool(tool.name, toolRegistration(tool, deps.config), async (args, ctx) =>
      answeringInputRequests(() =>
        runTool(deps, tool, foldAliases(tool.name, args as Record<string, unknown>), {
          sessionId: ctx.sessionId ?? fallbackKey,
          signal: ctx.mcpReq.signal,
          progress: progressFor(ctx),
          confirm: confirmFor(server, ctx),
          client: clientNameFor(server, ctx),
        }),
      ),
    );
    names.push(tool.name);
  }
  return names;
}
