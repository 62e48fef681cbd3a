// Get, apply, delete and scale single objects of any kind, returning sanitized results.
import type { Config } from "../config/index.js";
import { ToolError } from "../errors.js";
import { loadYaml } from "../util/yaml.js";
import { type ApiResource, resolveResource, resourcePath } from "./api-resources.js";
import type { ClusterClient } from "./client.js";
import { sanitizeObject } from "./sanitize.js";

type Obj = Record<string, unknown>;

/** Why: the field manager name shown in managedFields for everything this server applies. */
export const FIELD_MANAGER = "k8s-mcp";

/** Why: objects shown to the agent as YAML, always sanitized first. */
export async function toYaml(obj: unknown, config: Config): Promise<string> {
  // YAML 1.1, as kubectl reads and writes it: "yes"/"on" stay quoted strings, 0644 stays octal.
  return (await loadYaml()).stringify(sanitizeObject(obj, config.allow_secret_values), { version: "1.1" });
}

/** Why: resolves the namespace for a kind: ignored for cluster-scoped, defaulted for namespaced. */
export function namespaceFor(r: ApiResource, client: ClusterClient, namespace?: string): string | undefined {
  return r.namespaced ? namespace || client.defaultNamespace : undefined;
}

/** Why: GET one object with a clear not-found message. */
export async function getObject(
  client: ClusterClient,
  r: ApiResource,
  name: string,
  namespace?: string,
  signal?: AbortSignal,
): Promise<Obj> {
  return client.json<Obj>({
    path: resourcePath(r, { name, namespace: namespaceFor(r, client, namespace) }),
    signal,
  });
}

/** Why: parses one or more YAML/JSON documents into objects, with errors an agent can fix. */
export async function parseManifests(text: string): Promise<Obj[]> {
  // YAML 1.1 like kubectl: `defaultMode: 0400` is octal (256), not decimal 400.
  const docs = (await loadYaml()).parseAllDocuments(text, { version: "1.1" });
  if (!Array.isArray(docs)) throw new ToolError("`resource` could not be parsed as YAML or JSON");
  const out: Obj[] = [];
  docs.forEach((doc, i) => {
    if (doc.errors.length)
      throw new ToolError(
        `document ${i + 1} is not valid YAML/JSON: ${doc.errors[0]?.message.split("\n")[0]}`,
      );
    const v: unknown = doc.toJS();
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

interface Target {
  r: ApiResource;
  name: string;
  namespace: string | undefined;
  body: Obj;
}

// Where a manifest goes: its resource (denied_resources checked), name, namespace (defaulted) and final body.
async function targetOf(
  client: ClusterClient,
  config: Config,
  obj: Obj,
  signal?: AbortSignal,
): Promise<Target> {
  const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  const kind = typeof obj.kind === "string" ? obj.kind : "";
  const meta = (obj.metadata && typeof obj.metadata === "object" ? obj.metadata : {}) as Obj;
  const name = typeof meta.name === "string" ? meta.name : "";
  if (!apiVersion || !kind || !name) {
    throw new ToolError(
      "each resource needs apiVersion, kind and metadata.name",
      `got apiVersion='${apiVersion}' kind='${kind}' name='${name}'`,
    );
  }
  const r = await resolveResource(client, config, apiVersion, kind, signal);
  const namespace = namespaceFor(r, client, typeof meta.namespace === "string" ? meta.namespace : undefined);
  return { r, name, namespace, body: { ...obj, metadata: { ...meta, ...(namespace ? { namespace } : {}) } } };
}

/** Why: server-side apply of one object; creates or updates, conflicts forced to this manager. */
export async function applyObject(
  client: ClusterClient,
  config: Config,
  obj: Obj,
  signal?: AbortSignal,
): Promise<Obj> {
  const t = await targetOf(client, config, obj, signal);
  return client.json<Obj>({
    method: "PATCH",
    path: resourcePath(t.r, { name: t.name, namespace: t.namespace }),
    query: { fieldManager: FIELD_MANAGER, force: true },
    contentType: "application/apply-patch+yaml",
    body: JSON.stringify(t.body),
    signal,
  });
}

/** Why: creates an object (POST); an existing one is a 409 the agent sees, never overwritten. */
export async function createObject(
  client: ClusterClient,
  config: Config,
  obj: Obj,
  signal?: AbortSignal,
): Promise<Obj> {
  const t = await targetOf(client, config, obj, signal);
  return client.json<Obj>({
    method: "POST",
    path: resourcePath(t.r, { namespace: t.namespace }),
    query: { fieldManager: FIELD_MANAGER },
    body: t.body,
    signal,
  });
}

/** Why: a one-line identity for results ("Deployment default/web"). */
export function describeObject(o: Obj): string {
  const meta = (o.metadata ?? {}) as Obj;
  const ns = typeof meta.namespace === "string" ? `${meta.namespace}/` : "";
  return `${String(o.kind ?? "object")} ${ns}${String(meta.name ?? "")}`;
}
