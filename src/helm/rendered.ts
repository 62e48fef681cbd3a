// What a release would apply (its manifest and its hooks), judged by the call's policy before helm writes anything.
import { ToolError } from "../errors.js";
import type { Verb } from "../kube/access.js";
import { type ApiResource, knownResource } from "../kube/api-resources.js";
import type { ScopedClient } from "../kube/scoped.js";
import { parseApiVersion } from "../kube/validate.js";
import { readYamlStream } from "../util/yaml.js";
import type { Release } from "./record.js";

/** Why: one object a chart renders, as much as the policy and the refusal message need. */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** "manifest" or the hook's name, for the message. */
  from: string;
}

/** Why: turns rendered YAML (a manifest or a hook) into objects; a document helm would not apply is an error. */
export async function renderedObjects(text: string, from: string): Promise<RenderedObject[]> {
  const stream = await readYamlStream(text);
  if (!stream.ok)
    throw new ToolError(
      `the chart's rendered ${from} cannot be read (document ${stream.document}: ${stream.message}), so its objects cannot be checked against this server's policy`,
      "fix the chart's templates; nothing was changed",
    );
  const out: RenderedObject[] = [];
  for (const v of stream.values) {
    if (v === null || v === undefined) continue;
    const o = v as {
      apiVersion?: unknown;
      kind?: unknown;
      metadata?: { name?: unknown; namespace?: unknown };
    };
    if (typeof o.apiVersion !== "string" || typeof o.kind !== "string")
      throw new ToolError(
        `the chart's rendered ${from} has a document without apiVersion or kind, so it cannot be checked against this server's policy`,
        "fix the chart's templates; nothing was changed",
      );
    out.push({
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: typeof o.metadata?.name === "string" ? o.metadata.name : "(unnamed)",
      namespace: typeof o.metadata?.namespace === "string" ? o.metadata.namespace : undefined,
      from,
    });
  }
  return out;
}

/** Why: what install/upgrade would apply: helm's JSON release, its manifest and every hook, as objects. */
export async function releaseObjects(rel: Release): Promise<RenderedObject[]> {
  const out = await renderedObjects(rel.manifest ?? "", "manifest");
  for (const h of rel.hooks ?? [])
    out.push(...(await renderedObjects(h.manifest ?? "", `hook ${h.path ?? h.name ?? ""}`.trim())));
  return out;
}

// A kind the cluster does not serve yet (a CRD the same chart installs) is still judged by its group and kind.
async function resourceOf(c: ScopedClient, o: RenderedObject): Promise<ApiResource> {
  try {
    return await c.resolve(o.apiVersion, o.kind);
  } catch (err) {
    if (!(err instanceof ToolError)) throw err;
    const { group, version } = parseApiVersion(o.apiVersion);
    return knownResource(o.kind, o.kind.toLowerCase(), false, group, version);
  }
}

/**
 * Why: denied_resources covers what helm would write as it covers every other tool: each rendered object's
 * group/version/kind goes through the scoped client's own decision; the first refusal names the object.
 */
export async function judgeRendered(
  c: ScopedClient,
  objects: readonly RenderedObject[],
  namespace: string,
  verbs: readonly Verb[],
  what: string,
): Promise<void> {
  for (const o of objects) {
    const resource = await resourceOf(c, o);
    try {
      c.judge([{ resource, namespace: resource.namespaced ? (o.namespace ?? namespace) : namespace, verbs }]);
    } catch (err) {
      if (!(err instanceof ToolError)) throw err;
      throw new ToolError(
        `${what} refused before any change: the chart renders ${o.kind} '${o.name}' (apiVersion ${o.apiVersion}, ${o.from}), and ${err.message}`,
        "remove that object from the chart (or disable it through values), or use a server configured to allow it; nothing was changed",
      );
    }
  }
}
