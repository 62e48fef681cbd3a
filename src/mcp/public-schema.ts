// The schemas a client sees for each tool: strict inputs with `cluster`/`confirm` (added here only) and output
// schemas. Used by registration, the build-time tools/list snapshot and the one entry's validation (invoke.ts).
import { z } from "zod";
import type { Config } from "../config/index.js";
import { once } from "../util/once.js";
import { strictInput } from "./arguments.js";
import { CONFIRM_ARG_DESCRIPTION } from "./confirm.js";
import type { AnyTool, ToolAnnotations } from "./tool.js";

/** Why: the `cluster` argument, described once for every cluster-aware tool. */
export const CLUSTER_ARG_DESCRIPTION =
  "Cluster name or alias (see clusters_list). Optional: defaults to this session's active cluster (clusters_switch).";

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
  // Built once per tool and schema key: registration (the SDK's check) and the one entry share it.
  const key = publicSchemaKey(tool, config);
  const built = inputSchemas.get(tool);
  const cached = built?.get(key);
  if (cached) return cached;
  const schema = buildInputSchema(tool, config);
  if (built) built.set(key, schema);
  else inputSchemas.set(tool, new Map([[key, schema]]));
  return schema;
}

const inputSchemas = new WeakMap<AnyTool, Map<string, z.ZodObject<z.ZodRawShape>>>();

function buildInputSchema(tool: AnyTool, config: Config): z.ZodObject<z.ZodRawShape> {
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

/** Why: what registration gives the SDK up front: everything but the schemas. */
export function toolFacts(tool: AnyTool): {
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
