// Namespaces and events: the first things an agent looks at on a cluster.
import { z } from "zod";
import { knownResource } from "../kube/api-resources.js";
import { listOutput } from "../mcp/output.js";
import { type AnyTool, defineClusterTool } from "../mcp/tool.js";
import { listFields, listRows, namespaceField, READ_ONLY } from "./common.js";

const namespacesList = defineClusterTool({
  name: "namespaces_list",
  title: "Namespaces: List",
  description: "List the namespaces of a cluster.",
  input: () =>
    z.object({
      labelSelector: listFields().labelSelector,
      limit: listFields().limit,
      continue: listFields().continue,
    }),
  output: listOutput,
  annotations: READ_ONLY,
  handler: async (args, ctx) =>
    listRows(ctx, knownResource("Namespace", "namespaces", false), args, "labelSelector"),
});

const eventsList = defineClusterTool({
  name: "events_list",
  title: "Events: List",
  description:
    "List Kubernetes events (warnings, scheduling, image pulls...) in a namespace or in all namespaces. Use fieldSelector 'type=Warning' or 'involvedObject.name=<pod>' to focus.",
  input: () =>
    z.object({
      namespace: namespaceField("to list events from (default: all namespaces)."),
      ...listFields(),
    }),
  output: listOutput,
  annotations: READ_ONLY,
  handler: async (args, ctx) =>
    listRows(
      ctx,
      knownResource("Event", "events", true),
      args,
      "namespace, fieldSelector (e.g. type=Warning) or labelSelector",
    ),
});

/** Why: the namespace/event tool group, listed in tools/index.ts. */
export function namespaceTools(): AnyTool[] {
  return [namespacesList, eventsList];
}
