// Access decisions on the request actually sent: resolved (group, resource, verb, cluster), never tool arguments.
import { ToolError } from "../errors.js";
import type { ApiResource } from "./api-resources.js";
import type { Subresource } from "./validate.js";

/** Why: the Kubernetes verbs this server sends; each one is classified once below. */
export type Verb = "get" | "list" | "create" | "patch" | "delete" | "exec";

/** Why: one call's policy, fixed when its scoped client is made; the kube layer never reads MCP types. */
export interface RequestPolicy {
  /** The resolved cluster name, for messages. */
  cluster: string;
  /** Who asks (the tool name), for messages. */
  caller: string;
  /** read_only: only get/list. */
  readOnly: boolean;
  /** disable_destructive: no delete/patch/exec. */
  disableDestructive: boolean;
  /** read_only_clusters matched this cluster: only get/list. */
  clusterReadOnly: boolean;
  denied: readonly { group: string; version?: string; kind: string }[];
}

/** Why: what one request does, as the policy sees it. */
export interface Access {
  resource: ApiResource;
  verb: Verb;
  subresource?: Subresource;
  /** A delete undoing this call's own create (pods_run's rollback): allowed whenever that create was. */
  rollback?: boolean;
}

const READS: ReadonlySet<Verb> = new Set(["get", "list"]);

/** Why: "write" means one thing everywhere (read_only, read_only_clusters, disable_destructive, confirm_clusters). */
export function isWriteVerb(verb: Verb): boolean {
  return !READS.has(verb);
}
const DESTRUCTIVE: ReadonlySet<Verb> = new Set(["patch", "delete", "exec"]);

function deniedBy(p: RequestPolicy, r: ApiResource, subresource?: string): boolean {
  // A subresource is denied by its kind, or on its own as `resource/subresource` (e.g. kind = "nodes/proxy").
  const spellings = [r.kind.toLowerCase(), r.resource, ...(r.aliases ?? [])];
  if (subresource) spellings.push(`${r.resource}/${subresource}`);
  return p.denied.some(
    (d) =>
      d.group === r.group &&
      (!d.version || d.version === r.version) &&
      spellings.includes(d.kind.toLowerCase()),
  );
}

/** Why: the one place a request is allowed or refused; called by the scoped client for every request. */
export function decide(p: RequestPolicy, a: Access): void {
  const r = a.resource;
  const what = `${a.verb} ${r.resource}${a.subresource ? `/${a.subresource}` : ""}${r.group ? `.${r.group}` : ""}`;
  if (deniedBy(p, r, a.subresource)) {
    throw new ToolError(
      `access to ${r.kind}${a.subresource ? `/${a.subresource}` : ""}${r.group ? `.${r.group}` : ""} is denied by this server's configuration (denied_resources)`,
      "this kind cannot be read or changed through this server",
    );
  }
  if (READS.has(a.verb)) return;
  if (p.readOnly) {
    throw new ToolError(
      `${p.caller} is refused: this server is read-only (read_only) and the request would ${what}`,
      "only read-only tools are available",
    );
  }
  if (p.clusterReadOnly) {
    throw new ToolError(
      `${p.caller} is refused on cluster '${p.cluster}': it is configured read-only (read_only_clusters) and the request would ${what}`,
      "only reads may run on this cluster; use another cluster or a read-only tool",
    );
  }
  if (p.disableDestructive && DESTRUCTIVE.has(a.verb) && !a.rollback) {
    throw new ToolError(
      `${p.caller} is refused: destructive operations are disabled (disable_destructive) and the request would ${what}`,
      "only reads and creating new objects are allowed on this server",
    );
  }
}
