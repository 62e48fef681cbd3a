// Manifests: parsing, where each document goes, and what a server-side apply conflict means.
import { ToolError } from "../errors.js";
import { loadYaml, readYamlStream } from "../util/yaml.js";
import type { ApiResource } from "./api-resources.js";
import { checkName, nameRuleOf } from "./validate.js";

type Obj = Record<string, unknown>;

/** Why: the field manager of writes whose caller is not known (no MCP client name). */
export const FIELD_MANAGER = "k8s-mcp";

// The apiserver takes at most 128 printable characters; a caller's part keeps the safe ones and stays short.
const CALLER_PART_MAX = 48;

function callerPart(value: string | undefined): string {
  return (value ?? "")
    .normalize("NFKC")
    .replace(/[^A-Za-z0-9._@-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, CALLER_PART_MAX);
}

/**
 * Why: each caller applies under its own field manager, so two agents' server-side applies conflict as Kubernetes
 * intends and the conflict names the other: `k8s-mcp/<MCP client name>`, plus `/<user>` once callers have
 * identities (the team server). Always a valid field manager (printable, at most 128 characters).
 */
export function fieldManagerFor(caller: { client?: string; user?: string }): string {
  const parts = [FIELD_MANAGER, callerPart(caller.client) || "unnamed-client"];
  const user = callerPart(caller.user);
  if (user) parts.push(user);
  return caller.client === undefined && !user ? FIELD_MANAGER : parts.join("/");
}

/** Why: objects shown to the agent as YAML; they come from the scoped client, which sanitized them already. */
export async function toYaml(obj: unknown): Promise<string> {
  // YAML 1.1, as kubectl reads and writes it: "yes"/"on" stay quoted strings, 0644 stays octal.
  return (await loadYaml()).stringify(obj, { version: "1.1" });
}

/** Why: parses one or more YAML/JSON documents into objects, with errors an agent can fix. */
export async function parseManifests(text: string): Promise<Obj[]> {
  const stream = await readYamlStream(text);
  if (!stream.ok)
    throw new ToolError(`document ${stream.document} is not valid YAML/JSON: ${stream.message}`);
  const out: Obj[] = [];
  stream.values.forEach((v, i) => {
    if (v === null || v === undefined) return;
    if (typeof v !== "object" || Array.isArray(v)) throw new ToolError(`document ${i + 1} is not an object`);
    const o = v as Obj;
    if (o.kind === "List" && Array.isArray(o.items)) {
      for (const item of o.items) if (item && typeof item === "object") out.push(item as Obj);
    } else out.push(o);
  });
  if (out.length === 0)
    throw new ToolError("no resource found in `resource`", "pass one or more YAML or JSON documents");
  return out;
}

/** Why: where one manifest goes: its resolved resource, checked name, defaulted namespace and final body. */
export interface ManifestTarget {
  resource: ApiResource;
  name: string;
  namespace: string | undefined;
  body: Obj;
}

/** Why: the scoped client lends discovery and namespace defaulting; the rules of a manifest live here. */
export interface Locator {
  resolve: (apiVersion: string, kind: string) => Promise<ApiResource>;
  namespaceOf: (r: ApiResource, namespace: string | undefined) => Promise<string | undefined>;
}

/** Why: one manifest's target; the body is rewritten to the resolved apiVersion/kind so policy and body agree. */
export async function manifestTarget(obj: Obj, locate: Locator): Promise<ManifestTarget> {
  const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  const kind = typeof obj.kind === "string" ? obj.kind : "";
  const meta = (obj.metadata && typeof obj.metadata === "object" ? obj.metadata : {}) as Obj;
  const name = typeof meta.name === "string" ? meta.name : "";
  if (!apiVersion || !kind || !name) {
    throw new ToolError(
      "each resource needs apiVersion, kind and metadata.name",
      `got apiVersion=${JSON.stringify(apiVersion)} kind=${JSON.stringify(kind)} name=${JSON.stringify(name)}`,
    );
  }
  if (meta.namespace !== undefined && typeof meta.namespace !== "string")
    throw new ToolError("metadata.namespace must be a string");
  const r = await locate.resolve(apiVersion, kind);
  checkName("metadata.name", name, nameRuleOf(r.group, r.resource));
  const namespace = await locate.namespaceOf(r, meta.namespace as string | undefined);
  const resolved = r.group ? `${r.group}/${r.version}` : r.version;
  const metadata = { ...meta, ...(namespace ? { namespace } : {}) };
  if (!namespace) delete metadata.namespace;
  return { resource: r, name, namespace, body: { ...obj, apiVersion: resolved, kind: r.kind, metadata } };
}

interface ConflictStatus {
  message?: string;
  details?: { causes?: { reason?: string; message?: string; field?: string }[] };
}

/** Why: a 409 from server-side apply becomes "these fields are owned by these managers", with what to do. */
export function applyConflict(body: string, t: ManifestTarget): ToolError {
  let s: ConflictStatus = {};
  try {
    s = JSON.parse(body) as ConflictStatus;
  } catch {
    // not a Status: fall through with the raw text
  }
  const causes = (s.details?.causes ?? []).filter((c) => c.reason === "FieldManagerConflict");
  const where = `${t.resource.kind} ${t.namespace ? `${t.namespace}/` : ""}${t.name}`;
  if (causes.length === 0) {
    return new ToolError(
      `409 Conflict applying ${where}: ${(s.message ?? body).slice(0, 300)}`,
      "read the object again and retry",
    );
  }
  const parts = causes.map((c) => {
    const manager = /conflict with "([^"]+)"/.exec(c.message ?? "")?.[1] ?? "another manager";
    return `${c.field ?? "?"} (managed by "${manager}")`;
  });
  return new ToolError(
    `409 Conflict applying ${where}: ${causes.length} field(s) are owned by other field managers: ${parts.join(", ")}; nothing was changed`,
    "pass force: true to take these fields over, or leave them out of the manifest (or set them to the current values)",
  );
}

/** Why: a one-line identity for results ("Deployment default/web"). */
export function describeObject(o: Obj): string {
  const meta = (o.metadata ?? {}) as Obj;
  const ns = typeof meta.namespace === "string" ? `${meta.namespace}/` : "";
  return `${String(o.kind ?? "object")} ${ns}${String(meta.name ?? "")}`;
}
