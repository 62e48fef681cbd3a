// completion/complete values for prompt arguments and resource-template variables: clusters, namespaces, kinds, names.
import type { ServerDeps } from "./deps.js";
import { callRegisteredTool } from "./surface-call.js";
import type { AnyTool } from "./tool.js";

/** Why: the spec caps a completion answer at 100 values. */
const MAX_VALUES = 100;

/** Why: the other arguments a client already filled in (cluster, namespace...), as the SDK passes them. */
export type CompletionContext = { arguments?: Record<string, string> } | undefined;

/** Why: one completion source, given what the user typed so far and the other arguments. */
export type Completer = (value: string, context?: CompletionContext) => Promise<string[]>;

function byPrefix(values: Iterable<string>, typed: string): string[] {
  const t = typed.toLowerCase();
  return [...new Set(values)]
    .filter((v) => v.toLowerCase().startsWith(t))
    .sort()
    .slice(0, MAX_VALUES);
}

// Kinds agents ask about most and their API versions; completion offers them, any other kind works when typed.
const COMMON_KINDS: Readonly<Record<string, string>> = {
  Pod: "v1",
  Service: "v1",
  ConfigMap: "v1",
  Secret: "v1",
  PersistentVolumeClaim: "v1",
  ServiceAccount: "v1",
  Namespace: "v1",
  Node: "v1",
  Event: "v1",
  Deployment: "apps/v1",
  StatefulSet: "apps/v1",
  DaemonSet: "apps/v1",
  ReplicaSet: "apps/v1",
  Job: "batch/v1",
  CronJob: "batch/v1",
  Ingress: "networking.k8s.io/v1",
};

/** Why: the completers, built once per server over its tools (cluster reads go through those tools). */
export interface Completers {
  cluster: Completer;
  namespace: Completer;
  apiVersion: Completer;
  kind: Completer;
  /** Names of objects of the kind in context (pods when the context has no kind). */
  name: Completer;
}

/**
 * Why: prompts and resource templates complete the same variables the same way. `sessionOf` names the caller's
 * session at call time (completion requests reach the SDK callback without it), so its active cluster applies.
 */
export function createCompleters(
  deps: ServerDeps,
  tools: readonly AnyTool[],
  sessionOf: () => string,
): Completers {
  // Rows of a list tool, read as the user would read them (policy, denied kinds and RBAC all apply).
  const rowNames = async (tool: string, args: Record<string, unknown>, typed: string): Promise<string[]> => {
    const res = await callRegisteredTool(deps, tools, tool, args, { sessionId: sessionOf() });
    if (res.isError) return [];
    const items = ((res.structuredContent as { items?: unknown } | undefined)?.items ?? []) as Record<
      string,
      unknown
    >[];
    // Table rows have `name`; YAML-mode rows are whole objects with metadata.name.
    const nameOf = (i: Record<string, unknown>): unknown =>
      i.name ?? (i.metadata as Record<string, unknown> | undefined)?.name;
    return byPrefix(
      items.map(nameOf).filter((n): n is string => typeof n === "string"),
      typed,
    );
  };
  return {
    cluster: async (typed) =>
      // Aliases only of clusters this server shows: an alias of a hidden cluster is not offered.
      byPrefix(
        deps.clusters.names().flatMap((n) => [n, ...deps.clusters.aliasesOf(n)]),
        typed,
      ),
    namespace: async (typed, ctx) => rowNames("namespaces_list", { cluster: ctx?.arguments?.cluster }, typed),
    apiVersion: async (typed, ctx) => {
      const kind = ctx?.arguments?.kind;
      const known = kind ? COMMON_KINDS[kind] : undefined;
      return byPrefix(known ? [known] : Object.values(COMMON_KINDS), typed);
    },
    kind: async (typed) => byPrefix(Object.keys(COMMON_KINDS), typed),
    name: async (typed, ctx) => {
      const a = ctx?.arguments ?? {};
      if (!a.kind && a.namespace)
        return rowNames("pods_list_in_namespace", { cluster: a.cluster, namespace: a.namespace }, typed);
      if (!a.kind) return rowNames("pods_list", { cluster: a.cluster }, typed);
      return rowNames(
        "resources_list",
        {
          cluster: a.cluster,
          apiVersion: a.apiVersion || COMMON_KINDS[a.kind] || "v1",
          kind: a.kind,
          namespace: a.namespace || undefined,
        },
        typed,
      );
    },
  };
}
