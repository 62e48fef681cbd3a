// API discovery: (apiVersion, kind) -> REST resource, cached per cluster client; denied_resources enforced here.
import type { Config } from "../config/index.js";
import { ToolError } from "../errors.js";
import { abortable } from "../util/abortable.js";
import type { ClusterClient } from "./client.js";
import { KubeError } from "./errors.js";

/** Why: everything needed to build a REST path for a kind. */
export interface ApiResource {
  group: string;
  version: string;
  kind: string;
  resource: string;
  namespaced: boolean;
  verbs: string[];
}

interface ResourceList {
  resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[];
}

const TTL_MS = 5 * 60_000;
const DISCOVERY_RETRY_MS = 500;
const cache = new WeakMap<ClusterClient, Map<string, { at: number; list: Promise<ApiResource[]> }>>();

/** Why: splits "apps/v1" into group "apps", version "v1" ("v1" is the core group). */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const parts = apiVersion.trim().split("/");
  if (parts.length === 1 && parts[0]) return { group: "", version: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { group: parts[0], version: parts[1] };
  throw new ToolError(
    `invalid apiVersion '${apiVersion}'`,
    "use 'v1' for core kinds or 'group/version' such as 'apps/v1'",
  );
}

async function fetchGroupVersion(
  client: ClusterClient,
  group: string,
  version: string,
): Promise<ApiResource[]> {
  const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
  let list: ResourceList;
  try {
    list = await client.json<ResourceList>({ path }).catch(async (err: unknown) => {
      if (!(err instanceof KubeError && err.kind === "not-found")) throw err;
      // A CRD created a moment ago is served before discovery lists it: ask once more, shortly after.
      await new Promise((r) => setTimeout(r, DISCOVERY_RETRY_MS));
      return client.json<ResourceList>({ path });
    });
  } catch (err) {
    if (err instanceof KubeError && err.kind === "not-found") {
      throw new ToolError(
        `the cluster does not serve ${group ? `${group}/${version}` : version}`,
        "check the apiVersion; resources_list with a known kind, or the CRD may not be installed on this cluster",
      );
    }
    throw err;
  }
  return (list.resources ?? [])
    .filter((r) => !r.name.includes("/"))
    .map((r) => ({
      group,
      version,
      kind: r.kind,
      resource: r.name,
      namespaced: r.namespaced,
      verbs: r.verbs ?? [],
    }));
}

/** Why: refuses kinds listed in denied_resources, for every tool that touches the API. */
export function assertNotDenied(config: Config, r: { group: string; version: string; kind: string }): void {
  for (const d of config.denied_resources) {
    const sameKind = d.kind.toLowerCase() === r.kind.toLowerCase();
    if (d.group === r.group && sameKind && (!d.version || d.version === r.version)) {
      throw new ToolError(
        `access to ${r.kind}${r.group ? `.${r.group}` : ""} is denied by this server's configuration (denied_resources)`,
        "this kind cannot be read or changed through this server",
      );
    }
  }
}

/** Why: the one way tools find a resource; discovery is cached and refreshed once on a miss (new CRDs). */
export async function resolveResource(
  client: ClusterClient,
  config: Config,
  apiVersion: string,
  kind: string,
  signal?: AbortSignal,
): Promise<ApiResource> {
  const { group, version } = parseApiVersion(apiVersion);
  assertNotDenied(config, { group, version, kind });
  let perClient = cache.get(client);
  if (!perClient) {
    perClient = new Map();
    cache.set(client, perClient);
  }
  const key = `${group}/${version}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    let entry = perClient.get(key);
    if (!entry || Date.now() - entry.at > TTL_MS || attempt === 1) {
      // Shared by concurrent callers, so it must not carry one caller's signal; each caller waits with its own.
      entry = { at: Date.now(), list: fetchGroupVersion(client, group, version) };
      perClient.set(key, entry);
      entry.list.catch(() => perClient?.delete(key));
    }
    const list = await abortable(entry.list, signal, () => new KubeError("cancelled", "request cancelled"));
    const found =
      list.find((r) => r.kind === kind) ?? list.find((r) => r.kind.toLowerCase() === kind.toLowerCase());
    if (found) {
      assertNotDenied(config, found); // the kind as the cluster spells it, whatever case the caller used
      return found;
    }
    if (attempt === 1) {
      const kinds = [...new Set(list.map((r) => r.kind))].sort();
      throw new ToolError(
        `${apiVersion} has no kind '${kind}' on cluster '${client.name}'`,
        `kinds in ${apiVersion}: ${kinds.slice(0, 30).join(", ")}${kinds.length > 30 ? ", ..." : ""}`,
      );
    }
  }
  throw new ToolError(`kind '${kind}' not found`);
}

/** Why: builds the REST path of a collection or an object. */
export function resourcePath(
  r: ApiResource,
  opts: { namespace?: string; name?: string; subresource?: string } = {},
): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = r.namespaced && opts.namespace ? `/namespaces/${encodeURIComponent(opts.namespace)}` : "";
  const name = opts.name ? `/${encodeURIComponent(opts.name)}` : "";
  const sub = opts.name && opts.subresource ? `/${opts.subresource}` : "";
  return `${base}${ns}/${r.resource}${name}${sub}`;
}

/** Why: well-known core resources skip discovery (pods, events...) while still passing denied_resources. */
export function coreResource(
  config: Config,
  kind: string,
  resource: string,
  namespaced: boolean,
): ApiResource {
  assertNotDenied(config, { group: "", version: "v1", kind });
  return { group: "", version: "v1", kind, resource, namespaced, verbs: [] };
}
