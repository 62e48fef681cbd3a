// Registers tools on an McpServer: policy filtering, strict inputs, `cluster`/`confirm` (added here only),
// output schemas, progress and elicitation wiring.
import type { McpServer, RegisteredTool } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ElicitResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { Config } from "../config/index.js";
import { once } from "../util/once.js";
import { foldAliases, strictInput } from "./arguments.js";
import { CONFIRM_ARG_DESCRIPTION } from "./confirm.js";
import type { ServerDeps } from "./deps.js";
import { answerHiddenTool } from "./hidden-tools.js";
import { CLUSTER_ARG_DESCRIPTION, runTool } from "./invoke.js";
import { isToolEnabled } from "./policy.js";
import type { AnyTool, ToolAnnotations } from "./tool.js";
import { type ListedTool, serveToolList, type ToolSchemaTable } from "./tool-list.js";
import { prebuiltToolSchemas } from "./tool-schemas-prebuilt.js";

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
 * Why: everything a tool's published schemas depend on (the tool, its schemaVariant, and what publicInputSchema
 * reads of config), as the key of its entry in the build-time tools/list snapshot.
 */
export function publicSchemaKey(tool: AnyTool, config: Config): string {
  const parts = [tool.name, tool.schemaVariant ?? ""];
  if (tool.kind === "cluster")
    parts.push(config.require_cluster ? "cluster!" : "cluster?", takesConfirm(tool, config) ? "confirm" : "");
  return parts.join("|");
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

/**
 * Why: start-up builds no tool schema (tools/list comes from the snapshot). The SDK reads a registered tool's
 * inputSchema and outputSchema on each tools/call (mcp.js: validateToolInput, executeToolHandler,
 * validateToolOutput), so they become getters that build the schema on the first call and keep it.
 */
function deferSchemas(registered: RegisteredTool, tool: AnyTool, config: Config): void {
  const schemas = {
    inputSchema: once(() => publicInputSchema(tool, config)),
    outputSchema: once(() => publicOutputSchema(tool)),
  };
  for (const [key, get] of Object.entries(schemas))
    Object.defineProperty(registered, key, {
      configurable: true,
      enumerable: true,
      get,
      // An update() from the SDK replaces the getter with the value it is given.
      set(value: unknown) {
        Object.defineProperty(registered, key, {
          configurable: true,
          enumerable: true,
          writable: true,
          value,
        });
      },
    });
}

// With require_cluster there is no implicit cluster, so switching the active one would only mislead.
function isListed(tool: AnyTool, config: Config): boolean {
  if (config.require_cluster && tool.kind === "fleet" && tool.sessionOnly) return false;
  return isToolEnabled(tool, config);
}

/**
 * Why: one loop registers every enabled tool the same way; returns the names that were registered. tools/list is
 * answered from `schemas` (the build-time snapshot) where it has a tool's key, by live conversion otherwise.
 */
export function registerTools(
  server: McpServer,
  tools: readonly AnyTool[],
  deps: ServerDeps,
  schemas: () => ToolSchemaTable | undefined = prebuiltToolSchemas,
): string[] {
  const listed: ListedTool[] = [];
  for (const tool of tools) {
    if (!isListed(tool, deps.config)) {
      answerHiddenTool(server, tool, deps.config);
      continue;
    }
    const registered = server.registerTool<z.ZodObject<z.ZodRawShape>, z.ZodObject<z.ZodRawShape>>(
      tool.name,
      toolFacts(tool),
      async (args: Record<string, unknown>, extra) => {
        const token = extra._meta?.progressToken;
        const progress = async (value: number, total?: number, message?: string): Promise<void> => {
          if (token === undefined) return;
          await extra
            .sendNotification({
              method: "notifications/progress",
              params: { progressToken: token, progress: value, total, message },
            })
            .catch(() => {});
        };
        const confirm = async (message: string): Promise<boolean> => {
          if (!server.server.getClientCapabilities()?.elicitation) return false;
          const answer = await extra.sendRequest(
            {
              method: "elicitation/create",
              params: {
                message,
                requestedSchema: {
                  type: "object",
                  properties: {
                    confirm: { type: "boolean", title: "Proceed", description: "Run the operation" },
                  },
                  required: ["confirm"],
                },
              },
            },
            ElicitResultSchema,
            { signal: extra.signal },
          );
          return answer.action === "accept" && answer.content?.confirm === true;
        };
        return runTool(deps, tool, foldAliases(tool.name, args), {
          sessionId: extra.sessionId ?? "stdio",
          signal: extra.signal,
          progress,
          confirm,
          client: server.server.getClientVersion()?.name,
        });
      },
    );
    deferSchemas(registered, tool, deps.config);
    listed.push({ name: tool.name, key: publicSchemaKey(tool, deps.config), registered });
  }
  serveToolList(server, listed, schemas);
  return listed.map((t) => t.name);
}
