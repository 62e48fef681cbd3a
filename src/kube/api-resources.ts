// API discovery: (apiVersion, kind) -> REST resource, cached per cluster client. Policy is decided later, per request.
import { ToolError } from "../errors.js";
import { abortable } from "../util/abortable.js";
import type { ClusterClient } from "./client.js";
import { KubeError } from "./errors.js";
import { versionsServingKind } from "./kind-versions.js";
import { groupVersionPath } from "./paths.js";
import { parseApiVersion } from "./validate.js";

/** Why: everything needed to build a REST path for a kind. */
export interface ApiResource {
  group: string;
  version: string;
  kind: string;
  resource: string;
  namespaced: boolean;
  verbs: string[];
  /** Other spellings callers may use for the kind: singular, short names (lowercase). */
  aliases?: string[];
}

interface ResourceList {
  resources?: {
    name: string;
    kind: string;
    namespaced: boolean;
    verbs?: string[];
    singularName?: string;
    shortNames?: string[];
  }[];
}

const TTL_MS = 5 * 60_000;
const DISCOVERY_RETRY_MS = 500;
const cache = new WeakMap<ClusterClient, Map<string, { at: number; list: Promise<ApiResource[]> }>>();

async function fetchGroupVersion(
  client: ClusterClient,
  group: string,
  version: string,
): Promise<ApiResource[]> {
  const path = groupVersionPath(group, version);
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
      aliases: [r.singularName ?? "", ...(r.shortNames ?? [])].filter(Boolean).map((a) => a.toLowerCase()),
    }));
}

// Kind as the cluster spells it first, then any case, then the plural, singular and short names (like kubectl).
function match(list: ApiResource[], kind: string): ApiResource | undefined {
  const lower = kind.toLowerCase();
  return (
    list.find((r) => r.kind === kind) ??
    list.find((r) => r.kind.toLowerCase() === lower) ??
    list.find((r) => r.resource === lower || r.aliases?.includes(lower))
  );
}

/** Why: the one way a kind becomes a resource; discovery is cached and refreshed once on a miss (new CRDs). */
export async function resolveResource(
  client: ClusterClient,
  apiVersion: string,
  kind: string,
  signal?: AbortSignal,
): Promise<ApiResource> {
  const { group, version } = parseApiVersion(apiVersion);
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
    const found = match(list, kind);
    if (found) return found;
    if (attempt === 1) {
      const kinds = [...new Set(list.map((r) => r.kind))].sort();
      const printable = /^[\x20-\x7e]*$/.test(kind);
      // Only a kind spelled like one (letters and digits) is worth two discovery reads.
      const elsewhere = /^[A-Za-z][A-Za-z0-9]*$/.test(kind)
        ? await versionsServingKind(client, kind, signal)
        : [];
      const [best, ...more] = elsewhere;
      throw new ToolError(
        `${apiVersion} has no kind ${printable ? `'${kind}'` : JSON.stringify(kind)} on cluster '${client.name}'`,
        best
          ? `use apiVersion '${best}', which serves it on this cluster${more.length ? ` (also: ${more.join(", ")})` : ""}`
          : `kinds in ${apiVersion}: ${kinds.slice(0, 30).join(", ")}${kinds.length > 30 ? ", ..." : ""}`,
      );
    }
  }
  throw new ToolError(`kind '${kind}' not found`);
}

/** Why: well-known resources skip discovery (pods, events, metrics...); the boundary still applies policy. */
export function knownResource(
  kind: string,
  resource: string,
  namespaced: boolean,
  group = "",
  version = "v1",
): ApiResource {
  return { group, version, kind, resource, namespaced, verbs: [] };
}
