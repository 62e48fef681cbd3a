// Prompts for what fleet operators ask most; their arguments complete cluster names, aliases and namespaces.

import type { GetPromptResult, McpServer } from "@modelcontextprotocol/server";
import { completable } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { Completer, Completers } from "./completion.js";

const arg = (description: string, complete: Completer) =>
  completable(z.string().describe(description), (value, context) => complete(value ?? "", context));
// The completer must sit on the outermost schema: the SDK does not look inside .optional().
const optionalArg = (description: string, complete: Completer) =>
  completable(z.string().describe(description), (value, context) =>
    complete(value ?? "", context),
  ).optional();

// compare_environments has no `cluster`: its namespace and name complete on the `left` cluster.
const onLeft =
  (complete: Completer, kindDefault?: string): Completer =>
  (value, context) => {
    const a = context?.arguments ?? {};
    const kind = a.kind || kindDefault;
    return complete(value, { arguments: { ...a, cluster: a.left ?? "", ...(kind ? { kind } : {}) } });
  };

function asUser(text: string): GetPromptResult {
  return { messages: [{ role: "user", content: { type: "text", text } }] };
}

/** Why: the prompt list is data; each entry renders the steps an agent should take with this server's tools. */
export function registerPrompts(server: McpServer, complete: Completers): string[] {
  server.registerPrompt(
    "fleet_health",
    {
      title: "Fleet health",
      description:
        "Check the health of every cluster (or those matching a glob): reachability, nodes, failing pods, warnings.",
      argsSchema: z.object({
        clusters: optionalArg(
          "Cluster name, alias or glob such as 'c1-*' (default: every cluster).",
          complete.cluster,
        ),
      }),
    },
    ({ clusters }) => {
      const scope = clusters ? `the clusters matching '${clusters}'` : "every cluster";
      const sel = clusters ? `, clusters: ["${clusters}"]` : "";
      return asUser(
        [
          `Report the health of ${scope} in this Kubernetes fleet.`,
          `1. clusters_status${clusters ? ` with clusters: ["${clusters}"]` : ""}: which clusters are reachable, their versions and latency.`,
          `2. clusters_exec_all with operation "pods_list", parameters {fieldSelector: "status.phase!=Running,status.phase!=Succeeded"}${sel}: pods that are not running.`,
          `3. clusters_exec_all with operation "events_list", parameters {fieldSelector: "type=Warning"}${sel}: recent warnings.`,
          `4. clusters_exec_all with operation "resources_list", parameters {apiVersion: "v1", kind: "Node"}${sel}: node readiness.`,
          "Summarize per cluster: ok / degraded / unreachable, with the evidence (pod, event or node) for anything not ok.",
        ].join("\n"),
      );
    },
  );
  server.registerPrompt(
    "compare_environments",
    {
      title: "Compare environments",
      description: "What differs for a workload between two clusters (or environments named by alias).",
      argsSchema: z.object({
        left: arg("First cluster name or alias, e.g. 'staging'.", complete.cluster),
        right: arg("Second cluster name or alias, e.g. 'production'.", complete.cluster),
        namespace: arg("Namespace of the workload.", onLeft(complete.namespace)),
        name: optionalArg(
          "Workload name (default: compare every Deployment in the namespace).",
          onLeft(complete.name, "Deployment"),
        ),
        kind: optionalArg("Kind (default Deployment).", complete.kind),
      }),
    },
    ({ left, right, namespace, name, kind }) => {
      const k = kind || "Deployment";
      const what = name ? `${k} '${name}'` : `every ${k}`;
      return asUser(
        [
          `Find what differs for ${what} in namespace '${namespace}' between cluster '${left}' and cluster '${right}'.`,
          `1. clusters_compare with apiVersion (apps/v1 for Deployments), kind "${k}", namespace "${namespace}"${name ? `, name "${name}"` : ""}, clusters ["${left}", "${right}"].`,
          `2. Compare the ConfigMaps and Secrets the workload mounts the same way (Secret values are compared by fingerprint only).`,
          `3. For image or replica differences, check pods_list_in_namespace on each cluster (cluster: "${left}" / "${right}") for rollout state.`,
          "Report each difference with both values and whether it looks intended (e.g. replicas) or drift (e.g. image tag).",
        ].join("\n"),
      );
    },
  );
  server.registerPrompt(
    "debug_pod",
    {
      title: "Debug a pod",
      description:
        "Why a pod is failing on a cluster: status, events, logs of the current and previous container.",
      argsSchema: z.object({
        cluster: arg("Cluster name or alias.", complete.cluster),
        namespace: arg("Namespace of the pod.", complete.namespace),
        pod: arg("Pod name.", complete.name),
      }),
    },
    ({ cluster, namespace, pod }) =>
      asUser(
        [
          `Find out why pod '${pod}' in namespace '${namespace}' on cluster '${cluster}' is failing. Pass cluster: "${cluster}" to every tool.`,
          `1. pods_get (name "${pod}", namespace "${namespace}"): phase, conditions, container states, restart counts, last termination reason.`,
          `2. events_list (namespace "${namespace}", fieldSelector "involvedObject.name=${pod}"): scheduling, image pull and probe failures.`,
          `3. pods_log (name "${pod}", namespace "${namespace}"), and with previous: true if a container restarted.`,
          "4. If it is unschedulable, check nodes (resources_list kind Node) and the pod's requests.",
          "Give the most likely cause with the evidence, and the fix to try. Do not change anything without asking.",
        ].join("\n"),
      ),
  );
  return ["fleet_health", "compare_environments", "debug_pod"];
}
