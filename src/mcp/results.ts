// The one error-to-result path, and output truncation: every handler outcome becomes a CallToolResult here.
import type { CallToolResult } from "@modelcontextprotocol/server";
import { ToolError } from "../errors.js";
import { KubeError, type KubeErrorKind } from "../kube/errors.js";
import { actingHint } from "./acting-hints.js";

const HINTS: Record<KubeErrorKind, string> = {
  http: "",
  unauthorized:
    "the cluster rejected the kubeconfig's credentials (expired or revoked token?); refresh the kubeconfig (nsk_refresh when Rancher is configured)",
  forbidden:
    "the kubeconfig's identity lacks RBAC permission for this; try a namespace or cluster you can access, or ask for access",
  "not-found": "check the name, namespace and apiVersion/kind (resources_list shows what exists)",
  unreachable: "the API server is not reachable; check clusters_status, the network or VPN",
  tls: "certificate verification failed; check the kubeconfig's certificate-authority-data or refresh the kubeconfig",
  timeout: "the cluster did not answer in time; retry, narrow the query, or check clusters_status",
  cancelled: "the call was cancelled",
  kubeconfig: "fix or refresh the kubeconfig file for this cluster",
  lost: "retry; if it keeps happening, check clusters_status and any proxy or load balancer in front of the API server",
  malformed:
    "retry; if it persists, something between here and the API server (a proxy?) is altering answers; check clusters_status",
  stalled: "retry, narrow the query (namespace, labelSelector, limit), or check clusters_status",
};

const STATUS_HINTS: Record<number, string> = {
  409: "the object already exists or changed meanwhile; read it again and retry",
  422: "the object is invalid; fix the fields named above",
  429: "the API server is throttling; retry shortly",
};

/** Why: why something failed and what to try, without the "tool on cluster" prefix (for composed messages). */
export function explainError(err: unknown): string {
  if (err instanceof ToolError) return `${err.message}${err.hint ? `. Try: ${err.hint}` : ""}`;
  if (err instanceof KubeError) {
    const hint = err.hint ?? actingHint(err) ?? ((err.status && STATUS_HINTS[err.status]) || HINTS[err.kind]);
    return `${err.message}${hint ? `. Try: ${hint}` : ""}`;
  }
  return (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
}

/** Why: the short sentence (what failed, where, why, what to try) an agent acts on. */
export function describeError(err: unknown, where: { tool: string; cluster?: string }): string {
  const on = where.cluster ? ` on cluster '${where.cluster}'` : "";
  return `${where.tool}${err instanceof ToolError ? "" : " failed"}${on}: ${explainError(err)}`;
}

/** Why: failed operations are `isError: true` results, never JSON-RPC errors. */
export function errorResult(text: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text }] };
}

/** Why: big outputs are cut with an explicit note on how to narrow the query. */
export function truncate(
  text: string,
  maxBytes: number,
  narrowHint?: string,
  keep: "head" | "tail" = "head",
): string {
  const size = Buffer.byteLength(text);
  if (size <= maxBytes) return text;
  const hint = narrowHint ?? "narrow the query (namespace, labelSelector, fieldSelector, limit)";
  if (keep === "tail") {
    let cut = text.slice(-maxBytes);
    while (Buffer.byteLength(cut) > maxBytes) cut = cut.slice(1);
    const firstNl = cut.indexOf("\n");
    if (firstNl >= 0 && firstNl < maxBytes * 0.5) cut = cut.slice(firstNl + 1);
    return `... output truncated: showing the last ${Buffer.byteLength(cut)} of ${size} bytes; ${hint}\n${cut}`;
  }
  let cut = text.slice(0, maxBytes);
  while (Buffer.byteLength(cut) > maxBytes) cut = cut.slice(0, -1);
  const lastNl = cut.lastIndexOf("\n");
  if (lastNl > maxBytes * 0.5) cut = cut.slice(0, lastNl);
  return `${cut}\n... output truncated: showed ${Buffer.byteLength(cut)} of ${size} bytes; ${hint}`;
}
