// The one REST path builder: every Kubernetes path is assembled here from validated parts, and checked after.
import { ToolError } from "../errors.js";
import type { ApiResource } from "./api-resources.js";
import { checkName, checkNamespace, nameRuleOf, parseApiVersion, type Subresource } from "./validate.js";

/** Why: the parts of a request's target; the builder, not the caller, turns them into a path. */
export interface Target {
  resource: ApiResource;
  namespace?: string;
  name?: string;
  subresource?: Subresource;
}

/** Why: single-object verbs and collection verbs can never be confused for one another. */
export type PathShape = "object" | "collection";

const RESOURCE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Why: the /api/v1 or /apis/<group>/<version> prefix of a group version, from validated parts. */
export function groupVersionPath(group: string, version: string): string {
  const gv = parseApiVersion(group ? `${group}/${version}` : version);
  return gv.group ? `/apis/${gv.group}/${gv.version}` : `/api/${gv.version}`;
}

/** Why: builds the path of an object (name required) or a collection (name forbidden), or refuses. */
export function buildPath(t: Target, shape: PathShape): string {
  const r = t.resource;
  if (!RESOURCE.test(r.resource)) throw new ToolError(`invalid resource name '${r.resource}'`);
  const segments = [groupVersionPath(r.group, r.version)];
  if (r.namespaced && t.namespace !== undefined)
    segments.push("namespaces", encodeURIComponent(checkNamespace(t.namespace)));
  if (r.namespaced && shape === "object" && t.namespace === undefined)
    throw new ToolError(`a namespace is required for ${r.kind}`);
  segments.push(r.resource);
  if (shape === "object") {
    if (t.name === undefined) throw new ToolError(`a name is required for ${r.kind}`);
    segments.push(encodeURIComponent(checkName("name", t.name, nameRuleOf(r.group, r.resource))));
    if (t.subresource) segments.push(t.subresource);
  } else if (t.name !== undefined || t.subresource !== undefined) {
    throw new ToolError("a collection request cannot name an object");
  }
  const path = segments.join("/");
  // Belt and braces: URL parsing must leave the path exactly as built (no dot segments, no decoded separators),
  // and an object path must still end in the object's own segment.
  const parsed = new URL(`http://k8s.invalid${path}`);
  const expected = (r.namespaced && t.namespace !== undefined ? 2 : 0) + (shape === "object" ? 2 : 1);
  const tail = parsed.pathname.slice(segments[0]?.length ?? 0).split("/").length - 1;
  if (parsed.pathname !== path || parsed.search || parsed.hash || tail !== expected + (t.subresource ? 1 : 0))
    throw new ToolError(`refusing to send a request to the malformed path ${JSON.stringify(path)}`);
  return path;
}
