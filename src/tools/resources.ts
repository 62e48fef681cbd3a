// Generic resource tools: any kind the cluster serves, CRDs included (discovery cached per cluster).
import { z } from "zod";
import { ToolError } from "../errors.js";
import { parseManifests } from "../kube/objects.js";
import { clusterOutput, deletedOutput, listOutput, objectField } from "../mcp/output.js";
import { type AnyTool, defineClusterTool } from "../mcp/tool.js";
import { checkManifestLimits } from "../util/read-limited.js";
import {
  DESTRUCTIVE,
  listFields,
  listRows,
  namespaceField,
  objectOutput,
  READ_ONLY,
  resourceVersionField,
  typeFields,
  withNotes,
} from "./common.js";
import { applyManifest, describeStop, listDocs, manifestFields } from "./manifest.js";

// A replica count is an int32 in every Kubernetes API.
const MAX_INT32 = 2_147_483_647;

const resourcesList = defineClusterTool({
  name: "resources_list",
  title: "Resources: List",
  description:
    "List resources of any kind (built-in or CRD) in a namespace or across all namespaces, as a compact table (or YAML when the server is configured so).",
  input: () =>
    z.object({
      ...typeFields(),
      namespace: namespaceField("to list from; omit for all namespaces (namespaced kinds)."),
      ...listFields(),
    }),
  output: listOutput,
  annotations: READ_ONLY,
  handler: async (args, ctx) => {
    const r = await ctx.cluster.resolve(args.apiVersion, args.kind);
    return listRows(
      ctx,
      r,
      args,
      r.namespaced ? "namespace, labelSelector or fieldSelector" : "labelSelector or fieldSelector",
    );
  },
});

const resourcesGet = defineClusterTool({
  name: "resources_get",
  title: "Resources: Get",
  description: "Get one resource of any kind as YAML (managedFields removed; Secret values redacted).",
  input: () =>
    z.object({
      ...typeFields(),
      name: z.string().min(1).describe("Name of the resource."),
      namespace: namespaceField("of the resource (namespaced kinds; default: the context's namespace)."),
    }),
  output: () => clusterOutput({ object: objectField() }),
  annotations: READ_ONLY,
  handler: async (args, ctx) => {
    const resource = await ctx.cluster.resolve(args.apiVersion, args.kind);
    const obj = await ctx.cluster.get({ resource, name: args.name, namespace: args.namespace });
    return objectOutput(ctx.cluster.name, obj);
  },
});

const resourcesCreateOrUpdate = defineClusterTool({
  name: "resources_create_or_update",
  title: "Resources: Create or Update",
  description:
    "Create or update resources from YAML or JSON (one or more documents separated by '---') using server-side apply. Returns the applied objects.",
  input: () =>
    z.object({
      resource: z
        .string()
        .min(1)
        .describe("YAML or JSON manifest(s); each needs apiVersion, kind and metadata.name."),
      force: z
        .boolean()
        .optional()
        .describe(
          "Take over fields another field manager (kubectl, a controller) owns (default false: such a conflict is reported with the fields and managers, and nothing is changed).",
        ),
    }),
  output: () => clusterOutput(manifestFields()),
  annotations: DESTRUCTIVE,
  handler: async (args, ctx) => {
    checkManifestLimits(args.resource, ctx.deps.config);
    const objs = await parseManifests(args.resource);
    const r = await applyManifest(ctx.cluster, objs, args.force === true, ctx.signal);
    const { applied, failed, notAttempted, objects } = r;
    const structured = { cluster: ctx.cluster.name, applied, failed, notAttempted, objects };
    const lost = r.lost.length ? `\n(${r.lost.join("; ")})` : "";
    if (r.stoppedAt) {
      const only = objs.length === 1 ? r.failed[0] : undefined;
      const text = only
        ? `resources_create_or_update on cluster '${ctx.cluster.name}': ${only.error}`
        : `resources_create_or_update on cluster '${ctx.cluster.name}': ${describeStop(r, objs.length)}${lost}`;
      const effect = r.failed.some((f) => f.outcome === "unknown") ? "unknown" : undefined;
      return { text: ctx.deps.logger.scrub(text), structured, failed: true, effect };
    }
    const docs = await Promise.all(
      r.objects.map(async (o) => (await objectOutput(ctx.cluster.name, o)).text),
    );
    const n = r.applied.length;
    return {
      text: `Applied ${n} document${n === 1 ? "" : "s"} on cluster '${ctx.cluster.name}': ${listDocs(r.applied, "applied")}${lost}\n---\n${docs.join("---\n")}`,
      structured,
    };
  },
});

const resourcesDelete = defineClusterTool({
  name: "resources_delete",
  title: "Resources: Delete",
  description: "Delete one resource of any kind.",
  input: () =>
    z.object({
      ...typeFields(),
      name: z.string().min(1).describe("Name of the resource to delete."),
      namespace: namespaceField("of the resource (namespaced kinds; default: the context's namespace)."),
      resourceVersion: resourceVersionField(),
    }),
  output: deletedOutput,
  annotations: DESTRUCTIVE,
  handler: async (args, ctx) => {
    const resource = await ctx.cluster.resolve(args.apiVersion, args.kind);
    const gone = await ctx.cluster.delete(
      { resource, name: args.name, namespace: args.namespace },
      { resourceVersion: args.resourceVersion },
    );
    const where = gone.namespace ? `${gone.namespace}/` : "";
    return {
      text: withNotes(
        ctx,
        `Deleted ${gone.kind} ${where}${gone.name} on cluster '${ctx.cluster.name}' (dependents are removed in the background).`,
      ),
      structured: {
        cluster: ctx.cluster.name,
        deleted: { kind: gone.kind, namespace: gone.namespace, name: gone.name },
      },
    };
  },
});

const resourcesScale = defineClusterTool({
  name: "resources_scale",
  title: "Resources: Scale",
  description:
    "Get or set the replica count of a scalable resource (Deployment, StatefulSet, ReplicaSet, or a CRD with a scale subresource). Without `scale`, only reports the current replicas.",
  input: () =>
    z.object({
      ...typeFields(),
      name: z.string().min(1).describe("Name of the resource."),
      namespace: namespaceField("of the resource (default: the context's namespace)."),
      scale: z
        .number()
        .int()
        .min(0)
        .max(MAX_INT32)
        .optional()
        .describe(
          "Desired replica count (0 to 2147483647); omit to just read it. More than the server's max_replicas (default 1000) needs confirmation.",
        ),
      resourceVersion: resourceVersionField(),
    }),
  output: () =>
    clusterOutput({
      kind: z.string(),
      name: z.string(),
      replicas: z.number().int().describe("Desired replicas now (after scaling, when `scale` was given)."),
      previous: z
        .number()
        .int()
        .optional()
        .describe("Desired replicas before scaling (only when `scale` was given)."),
      current: z
        .number()
        .int()
        .optional()
        .describe("Replicas currently running (status), when only reading."),
    }),
  annotations: DESTRUCTIVE,
  confirms: true,
  handler: async (args, ctx) => {
    const r = await ctx.cluster.resolve(args.apiVersion, args.kind);
    const ref = { resource: r, name: args.name, namespace: args.namespace };
    const max = ctx.deps.config.max_replicas;
    if (args.scale !== undefined && args.scale > max && !ctx.confirmed) {
      const what = `Scale ${r.kind} ${args.name} on cluster '${ctx.cluster.name}' to ${args.scale} replicas (more than max_replicas ${max})?`;
      if (!(await ctx.confirm(what)))
        throw new ToolError(
          `scaling to ${args.scale} replicas is more than max_replicas (${max}); not confirmed, nothing was changed`,
          "check the number; to scale above max_replicas call again with confirm: true (or accept the confirmation prompt)",
        );
    }
    type Scale = { spec?: { replicas?: number }; status?: { replicas?: number } };
    const before = await ctx.cluster.get<Scale>({ ...ref, subresource: "scale" });
    const current = before.spec?.replicas ?? 0;
    if (args.scale === undefined) {
      return {
        text: `${r.kind} ${args.name}: ${current} desired replicas, ${before.status?.replicas ?? 0} current.`,
        structured: {
          cluster: ctx.cluster.name,
          kind: r.kind,
          name: args.name,
          replicas: current,
          current: before.status?.replicas ?? 0,
        },
      };
    }
    await ctx.cluster.patchScale(ref, args.scale, args.resourceVersion);
    return {
      text: `Scaled ${r.kind} ${args.name} on cluster '${ctx.cluster.name}' from ${current} to ${args.scale} replicas.`,
      structured: {
        cluster: ctx.cluster.name,
        kind: r.kind,
        name: args.name,
        previous: current,
        replicas: args.scale,
      },
    };
  },
});

/** Why: the generic resource tool group, listed in tools/index.ts. */
export function resourceTools(): AnyTool[] {
  return [resourcesList, resourcesGet, resourcesCreateOrUpdate, resourcesDelete, resourcesScale];
}
