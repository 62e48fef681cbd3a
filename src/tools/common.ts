// Input fields and annotations shared by the Kubernetes tools, described once for the model.
import { z } from "zod";
import type { ApiResource } from "../kube/api-resources.js";
import { DEFAULT_LIST_LIMIT, type ListPage, listResources } from "../kube/list.js";
import { toYaml } from "../kube/objects.js";
import type { ListParams } from "../kube/scoped.js";
import type { ClusterToolContext } from "../mcp/tool.js";
import { once } from "../util/once.js";

/** Why: reads that talk to a cluster. */
export const READ_ONLY = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
} as const;

/** Why: writes that may overwrite or remove state. */
export const DESTRUCTIVE = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: true,
  openWorldHint: true,
} as const;

/** Why: writes that only add state. */
export const ADDITIVE = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: true,
} as const;

/** Why: the same filter/paging fields on every list tool (built on first use, shared by all). */
export const listFields = once(() => ({
  labelSelector: z.string().optional().describe("Kubernetes label selector, e.g. 'app=nginx,tier!=cache'."),
  fieldSelector: z
    .string()
    .optional()
    .describe("Kubernetes field selector, e.g. 'status.phase=Running' or 'spec.nodeName=node-1'."),
  limit: z
    .number()
    .int()
    .positive()
    .max(5000)
    .optional()
    .describe(
      `Maximum items per page (default ${DEFAULT_LIST_LIMIT}). If more exist, the output says how to get the next page.`,
    ),
  continue: z.string().optional().describe("Continue token from a previous page of the same query."),
}));

/** Why: apiVersion/kind describe any resource, CRDs included. */
export const typeFields = once(() => ({
  apiVersion: z
    .string()
    .min(1)
    .describe(
      "API version: 'v1' for core kinds, or 'group/version' such as 'apps/v1', 'networking.k8s.io/v1'.",
    ),
  kind: z.string().min(1).describe("Kind, e.g. 'Deployment', 'ConfigMap', or a CRD kind."),
}));

/** Why: namespace text used by many tools. */
export const namespaceField = (what: string): z.ZodOptional<z.ZodString> =>
  z.string().min(1).optional().describe(`Namespace ${what}`);

/** Why: the optional precondition on writes: act only if the object is still at the version the agent read. */
export const resourceVersionField = once(() =>
  z
    .string()
    .min(1)
    .optional()
    .describe(
      "Only act if the object's metadata.resourceVersion is still this (the value you last read); otherwise a 409 Conflict and nothing changes. Omit to act regardless.",
    ),
);

/** Why: a write whose answer was lost but which a read-back found made says so after its result. */
export function withNotes(ctx: ClusterToolContext, text: string): string {
  const notes = ctx.cluster.notes();
  return notes.length ? `${text}\n(${notes.join("; ")})` : text;
}

/** Why: get/apply results carry the object twice, as YAML text and as structuredContent (both already redacted). */
export async function objectOutput(
  cluster: string,
  object: Record<string, unknown>,
): Promise<{ text: string; structured: { cluster: string; object: Record<string, unknown> } }> {
  return { text: await toYaml(object), structured: { cluster, object } };
}

/**
 * Why: every list tool lists the same way: one page from the cluster, shortened to fit the output budget.
 * `narrow` is how the paging note tells the agent to ask for less, in this tool's own parameters.
 */
export function listRows(
  ctx: ClusterToolContext,
  r: ApiResource,
  p: ListParams,
  narrow: string,
): Promise<ListPage> {
  return listResources(ctx.cluster, ctx.deps.config, r, p, narrow, ctx.budget);
}
