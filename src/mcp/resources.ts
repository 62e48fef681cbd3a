// MCP resources: the cluster list, and any object as k8s://{cluster}/{apiVersion}/{kind}/[{namespace}/]{name},
// read through resources_get (same boundary, policy, redaction and output budget as the tool).

import type { McpServer, ReadResourceResult, Variables } from "@modelcontextprotocol/server";
import { ProtocolError, ProtocolErrorCode, ResourceTemplate } from "@modelcontextprotocol/server";
import type { Completers } from "./completion.js";
import type { ServerDeps } from "./deps.js";
import { callRegisteredTool } from "./surface-call.js";
import type { AnyTool } from "./tool.js";

/** Why: the URI of the cluster list resource, quoted by the server instructions. */
export const CLUSTERS_URI = "k8s://clusters";
/** Why: the object templates; apiVersion "apps/v1" is written percent-encoded ("apps%2Fv1") in a URI. */
export const OBJECT_URI = "k8s://{cluster}/{apiVersion}/{kind}/{namespace}/{name}";
/** Why: cluster-scoped kinds (Node, Namespace, CRDs...) have no namespace segment. */
export const CLUSTER_OBJECT_URI = "k8s://{cluster}/{apiVersion}/{kind}/{name}";

function text(r: { content: { type: string; text?: string }[] }): string {
  return r.content.map((c) => (c.type === "text" ? (c.text ?? "") : "")).join("\n");
}

// Template variables arrive as matched from the URI, still percent-encoded.
function variable(v: Variables, key: string): string | undefined {
  const raw = v[key];
  const s = Array.isArray(raw) ? raw[0] : raw;
  return s === undefined ? undefined : decodeURIComponent(s);
}

/** Why: one object, read exactly as resources_get would return it; failures are JSON-RPC errors, as resources use. */
export async function readObjectResource(
  deps: ServerDeps,
  tools: readonly AnyTool[],
  uri: URL,
  vars: Variables,
  caller: { sessionId: string; signal: AbortSignal },
): Promise<ReadResourceResult> {
  const args = {
    cluster: variable(vars, "cluster"),
    apiVersion: variable(vars, "apiVersion"),
    kind: variable(vars, "kind"),
    namespace: variable(vars, "namespace"),
    name: variable(vars, "name"),
  };
  const res = await callRegisteredTool(deps, tools, "resources_get", args, caller);
  if (res.isError) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `${uri.href}: ${text(res)}`);
  return { contents: [{ uri: uri.href, mimeType: "application/yaml", text: text(res) }] };
}

/** Why: registers the cluster list and the object templates, with completion for every template variable. */
export function registerResources(
  server: McpServer,
  tools: readonly AnyTool[],
  deps: ServerDeps,
  complete: Completers,
): void {
  server.registerResource(
    "clusters",
    CLUSTERS_URI,
    {
      title: "Clusters",
      description: "The clusters this server reaches, their aliases and the session's active cluster (JSON).",
      mimeType: "application/json",
    },
    async (uri, ctx) => {
      const res = await callRegisteredTool(
        deps,
        tools,
        "clusters_list",
        {},
        {
          sessionId: ctx.sessionId ?? "stdio",
          signal: ctx.mcpReq.signal,
        },
      );
      if (res.isError) throw new ProtocolError(ProtocolErrorCode.InternalError, text(res));
      return {
        contents: [
          {
            uri: uri.href,
            mimeType: "application/json",
            text: JSON.stringify(res.structuredContent, null, 2),
          },
        ],
      };
    },
  );
  type Ctx = { arguments?: Record<string, string> };
  const completeVars = {
    cluster: (v: string, ctx?: Ctx) => complete.cluster(v, ctx),
    apiVersion: (v: string, ctx?: Ctx) => complete.apiVersion(v, ctx),
    kind: (v: string, ctx?: Ctx) => complete.kind(v, ctx),
    namespace: (v: string, ctx?: Ctx) => complete.namespace(v, ctx),
    name: (v: string, ctx?: Ctx) => complete.name(v, ctx),
  };
  const templates: [string, string, string][] = [
    [
      "object",
      OBJECT_URI,
      "A namespaced Kubernetes object as YAML, e.g. k8s://c1-sv5/apps%2Fv1/Deployment/default/web.",
    ],
    [
      "cluster-object",
      CLUSTER_OBJECT_URI,
      "A cluster-scoped Kubernetes object as YAML, e.g. k8s://c1-sv5/v1/Node/node-1.",
    ],
  ];
  for (const [name, uriTemplate, description] of templates) {
    server.registerResource(
      name,
      new ResourceTemplate(uriTemplate, { list: undefined, complete: completeVars }),
      {
        title: name === "object" ? "Kubernetes object" : "Cluster-scoped Kubernetes object",
        description: `${description} Read like resources_get: managedFields removed, Secret values redacted.`,
        mimeType: "application/yaml",
      },
      (uri, vars, ctx) =>
        readObjectResource(deps, tools, uri, vars, {
          sessionId: ctx.sessionId ?? "stdio",
          signal: ctx.mcpReq.signal,
        }),
    );
  }
}
