// Pod tools: list, get, delete, logs, run. Exec and top live in their own files.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { ToolError } from "../errors.js";
import { knownResource } from "../kube/api-resources.js";
import { defaultContainer } from "../kube/containers.js";
import { describeObject } from "../kube/objects.js";
import { clusterOutput, deletedOutput, listOutput, objectField } from "../mcp/output.js";
import { explainError, truncate } from "../mcp/results.js";
import { type AnyTool, defineClusterTool } from "../mcp/tool.js";
import { once } from "../util/once.js";
import {
  ADDITIVE,
  DESTRUCTIVE,
  listFields,
  listRows,
  namespaceField,
  objectOutput,
  READ_ONLY,
  resourceVersionField,
  withNotes,
} from "./common.js";

// limitBytes cuts the END of a tail (the newest lines), so it is only a memory safety valve; the output budget
// is applied afterwards, keeping the newest lines.
const LOG_SAFETY_CAP_BYTES = 16 * 1024 * 1024;

const PODS = knownResource("Pod", "pods", true);

const podName = once(() => z.string().min(1).describe("Name of the pod."));
const podNamespace = once(() =>
  namespaceField("of the pod (default: the context's namespace, usually 'default')."),
);

const podsList = defineClusterTool({
  name: "pods_list",
  title: "Pods: List",
  description:
    "List pods in all namespaces of a cluster, as a kubectl-like table. Filter with labelSelector/fieldSelector.",
  input: () => z.object(listFields()),
  output: listOutput,
  annotations: READ_ONLY,
  handler: async (args, ctx) =>
    listRows(
      ctx,
      PODS,
      args,
      "labelSelector or fieldSelector, or list one namespace with pods_list_in_namespace",
    ),
});

const podsListInNamespace = defineClusterTool({
  name: "pods_list_in_namespace",
  title: "Pods: List in Namespace",
  description: "List pods in one namespace, as a kubectl-like table.",
  input: () =>
    z.object({ namespace: z.string().min(1).describe("Namespace to list pods from."), ...listFields() }),
  output: listOutput,
  annotations: READ_ONLY,
  handler: async (args, ctx) => listRows(ctx, PODS, args, "labelSelector or fieldSelector"),
});

const podsGet = defineClusterTool({
  name: "pods_get",
  title: "Pods: Get",
  description: "Get one pod as YAML (spec and status; managedFields removed).",
  input: () => z.object({ name: podName(), namespace: podNamespace() }),
  output: () => clusterOutput({ object: objectField() }),
  annotations: READ_ONLY,
  handler: async (args, ctx) => {
    const pod = await ctx.cluster.get({ resource: PODS, name: args.name, namespace: args.namespace });
    return objectOutput(ctx.cluster.name, pod);
  },
});

const podsDelete = defineClusterTool({
  name: "pods_delete",
  title: "Pods: Delete",
  description: "Delete a pod (its controller, if any, will usually replace it).",
  input: () =>
    z.object({ name: podName(), namespace: podNamespace(), resourceVersion: resourceVersionField() }),
  output: deletedOutput,
  annotations: DESTRUCTIVE,
  handler: async (args, ctx) => {
    const gone = await ctx.cluster.delete(
      { resource: PODS, name: args.name, namespace: args.namespace },
      { resourceVersion: args.resourceVersion },
    );
    return {
      text: withNotes(ctx, `Deleted pod ${gone.namespace}/${gone.name} on cluster '${ctx.cluster.name}'.`),
      structured: {
        cluster: ctx.cluster.name,
        deleted: { kind: "Pod", namespace: gone.namespace, name: gone.name },
      },
    };
  },
});

const podsLog = defineClusterTool({
  name: "pods_log",
  title: "Pods: Log",
  description:
    "Get the logs of a pod's container (the last 100 lines by default). For multi-container pods without `container`, the default container is used and the others are named in the output.",
  input: () =>
    z.object({
      name: podName(),
      namespace: podNamespace(),
      container: z
        .string()
        .min(1)
        .optional()
        .describe("Container name (default: the pod's default or first container)."),
      previous: z
        .boolean()
        .optional()
        .describe("Logs of the previous, terminated instance of the container (after a restart)."),
      tail: z
        .number()
        .int()
        .positive()
        .max(100_000)
        .optional()
        .describe("Number of lines from the end (default 100)."),
    }),
  output: () =>
    clusterOutput({
      namespace: z.string(),
      pod: z.string(),
      container: z.string().optional().describe("The container read (absent when the pod names none)."),
      otherContainers: z
        .array(z.string())
        .describe("The pod's other containers (pass `container` to read them)."),
      previous: z.boolean(),
      log: z.string().describe("The log text (newest lines kept when cut to the output budget)."),
    }),
  annotations: READ_ONLY,
  handler: async (args, ctx) => {
    const ref = { resource: PODS, name: args.name, namespace: args.namespace };
    let container = args.container;
    let note = "";
    let others: string[] = [];
    if (!container) {
      const d = await defaultContainer(ctx.cluster, PODS, args.name, args.namespace);
      const chosen = d.chosen;
      container = chosen;
      others = d.containers.filter((c) => c !== chosen);
      if (others.length) note = `(container '${chosen}'; others: ${others.join(", ")})\n`;
    }
    const tail = args.tail ?? 100;
    const log = await ctx.cluster.logs(ref, {
      container,
      previous: args.previous,
      tailLines: tail,
      limitBytes: LOG_SAFETY_CAP_BYTES,
    });
    const namespace = args.namespace ?? (await ctx.cluster.info()).defaultNamespace;
    const body = log.length
      ? log
      : `(no log output from ${namespace}/${args.name}${container ? ` container ${container}` : ""})`;
    const narrowHint = "pass a smaller `tail` to see fewer lines";
    return {
      text: note + body,
      narrowHint,
      keep: "tail",
      structured: {
        cluster: ctx.cluster.name,
        namespace,
        pod: args.name,
        container,
        otherContainers: others,
        previous: args.previous === true,
        // Half the call's budget: the text carries the same lines (the one budget bounds both together).
        log: truncate(log, Math.floor(ctx.budget / 2), narrowHint, "tail"),
      },
    };
  },
});

const podsRun = defineClusterTool({
  name: "pods_run",
  title: "Pods: Run",
  description:
    "Run a pod from a container image (like `kubectl run`). With `port`, also creates a ClusterIP Service exposing that port.",
  input: () =>
    z.object({
      image: z.string().min(1).describe("Container image, e.g. 'nginx:1.27'."),
      name: z
        .string()
        .min(1)
        .optional()
        .describe("Pod name (default: derived from the image plus a random suffix)."),
      namespace: namespaceField("to run the pod in (default: the context's namespace)."),
      port: z
        .number()
        .int()
        .min(1)
        .max(65535)
        .optional()
        .describe("Container port to expose through a Service."),
    }),
  output: () =>
    clusterOutput({
      created: z.array(z.string()).describe("What was created, e.g. 'Pod ns/name', 'Service ns/name'."),
    }),
  annotations: ADDITIVE,
  handler: async (args, ctx) => {
    const base =
      (args.image.split("/").pop() ?? "pod").split(/[:@]/)[0]?.replace(/[^a-z0-9-]/g, "-") || "pod";
    const name = args.name ?? `${base}-${randomBytes(3).toString("hex")}`;
    const namespace = args.namespace ?? (await ctx.cluster.info()).defaultNamespace;
    const labels = { "app.kubernetes.io/name": name, "app.kubernetes.io/managed-by": "k8s-mcp" };
    const container = {
      name,
      image: args.image,
      ...(args.port ? { ports: [{ containerPort: args.port }] } : {}),
    };
    const objs: Record<string, unknown>[] = [
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace, labels },
        spec: { containers: [container] },
      },
    ];
    if (args.port) {
      objs.push({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name, namespace, labels },
        spec: { selector: labels, ports: [{ port: args.port, targetPort: args.port }] },
      });
    }
    // Plain create (POST), never apply: running a pod must not silently take over an existing Pod or Service.
    const created: string[] = [];
    const pod = await ctx.cluster.create(objs[0] as Record<string, unknown>);
    created.push(describeObject(pod));
    if (objs[1]) {
      try {
        created.push(describeObject(await ctx.cluster.create(objs[1])));
      } catch (err) {
        // All or nothing: a pod without the Service asked for is not what the agent wanted; remove it again
        // (only the pod this call created: the delete carries its uid as a precondition). The call's signal may
        // be what failed the Service (cancelled): the scoped client runs this undo without it, bounded by
        // request_timeout, so a cancelled call still leaves nothing behind.
        const removed = await ctx.cluster
          .delete({ resource: PODS, name, namespace }, { gracePeriodSeconds: 0, undoCreate: true })
          .then(
            () => "the pod was removed again",
            (e: unknown) =>
              `removing the pod again failed too (${explainError(e)}): delete it with pods_delete`,
          );
        throw new ToolError(
          `the Service for pod ${namespace}/${name} could not be created (${explainError(err)}); ${removed}`,
          "choose another name (a Service by that name may exist), or omit `port`",
        );
      }
    }
    return {
      text: withNotes(ctx, `Created on cluster '${ctx.cluster.name}': ${created.join(", ")}`),
      structured: { cluster: ctx.cluster.name, created },
    };
  },
});

/** Why: the pod tool group, listed in tools/index.ts. */
export function podTools(): AnyTool[] {
  return [podsList, podsListInNamespace, podsGet, podsDelete, podsLog, podsRun];
}
