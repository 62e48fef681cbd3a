// Every cluster-aware text names its cluster, in one place: a first line such as `cluster c1-sv5 · 3 pods`,
// added where a call's result is finalised (not by each tool), so an agent reading several answers knows which
// cluster gave each. Also the one "no cluster selected" answer, with advice that can work.
import type { CallToolResult } from "@modelcontextprotocol/server";
import { emptyFleetAdvice } from "../clusters/advice.js";
import { ToolError } from "../errors.js";
import { fitResult } from "./budget.js";
import type { ServerDeps } from "./deps.js";
import type { AnyTool, ToolOutput } from "./tool.js";

// "Pod" -> "pods", "Ingress" -> "ingresses", "NetworkPolicy" -> "networkpolicies"; one -> singular.
function counted(n: number, kind: string): string {
  const word = kind.toLowerCase();
  if (n === 1) return `1 ${word}`;
  if (/(ss|x|z|ch|sh)$/.test(word)) return `${n} ${word}es`;
  if (word.endsWith("s")) return `${n} ${word}`; // Endpoints
  if (/[^aeiou]y$/.test(word)) return `${n} ${word.slice(0, -1)}ies`;
  return `${n} ${word}s`;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

// What the result is about, read off its structuredContent (the shapes in output.ts), or nothing.
function subject(s: Record<string, unknown> | undefined): string | undefined {
  if (!s) return undefined;
  if (typeof s.count === "number" && str(s.kind)) return counted(s.count, String(s.kind));
  const obj = s.object as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | undefined;
  if (obj && typeof obj === "object" && str(obj.metadata?.name)) {
    const ns = str(obj.metadata?.namespace);
    return `${str(obj.kind) ?? "object"} ${ns ? `${ns}/` : ""}${String(obj.metadata?.name)}`;
  }
  if (str(s.pod))
    return `pod ${str(s.namespace) ? `${s.namespace}/` : ""}${s.pod}${str(s.container) ? ` · container ${s.container}` : ""}`;
  for (const key of ["pods", "nodes"])
    if (Array.isArray(s[key])) return counted((s[key] as unknown[]).length, key.slice(0, -1));
  if (str(s.container)) return `container ${s.container}`;
  return undefined;
}

// A text that is a YAML document (an object, or a list of full objects) gets the line as a YAML comment, so it
// still parses (resources read it as application/yaml) and can be applied as it is.
function isYamlBody(s: Record<string, unknown> | undefined): boolean {
  if (!s) return false;
  if (s.object && typeof s.object === "object") return true;
  return Array.isArray(s.columns) && s.columns.length === 0 && typeof s.count === "number" && s.count > 0;
}

/** Why: the first line of a cluster-aware text: `cluster c1-sv5 · 3 pods`; exported for tests and the docs. */
export function clusterLine(cluster: string, structured?: Record<string, unknown>): string {
  const about = subject(structured);
  const line = `cluster ${cluster}${about ? ` · ${about}` : ""}`;
  return isYamlBody(structured) ? `# ${line}` : line;
}

// A first line that already says where it ran ("Deleted pod x on cluster 'c1'") needs no second one.
function namesCluster(text: string, cluster: string): boolean {
  const nl = text.indexOf("\n");
  const first = nl < 0 ? text : text.slice(0, nl);
  return first.includes(`'${cluster}'`) || first.includes(`cluster ${cluster}`);
}

const LIST_PARAMS = ["namespace", "labelSelector", "fieldSelector", "limit"];

// The truncation note names only parameters this tool has; a tool with none can only be given more room.
function narrowHintOf(tool: AnyTool): string {
  const own = LIST_PARAMS.filter((p) => p in tool.input.shape);
  return own.length
    ? `narrow the query with ${own.join(", ")}`
    : "the result is larger than max_output_bytes; raise that setting to see all of it";
}

/**
 * Why: a cluster-aware tool's successful output as a CallToolResult whose text starts by naming the cluster;
 * the line's bytes come out of the output budget (mcp/budget.ts), which bounds text and structuredContent together.
 */
export function clusterResult(
  tool: AnyTool,
  out: ToolOutput,
  cluster: string,
  maxBytes: number,
): CallToolResult {
  const withHint = { ...out, narrowHint: out.narrowHint ?? narrowHintOf(tool) };
  if (namesCluster(out.text, cluster)) return fitResult(withHint, maxBytes);
  const line = clusterLine(cluster, out.structured);
  const result = fitResult(withHint, Math.max(0, maxBytes - Buffer.byteLength(line) - 1));
  const first = result.content[0];
  if (first?.type === "text") first.text = `${line}\n${first.text}`;
  return result;
}

/** Why: a call with no cluster to run on: say how to pick one, or, when there is none at all, why and how to add one. */
export function noClusterSelected(deps: ServerDeps): ToolError {
  const names = deps.clusters.names();
  if (!names.length) {
    const canRefresh = deps.rancher !== undefined && !deps.config.read_only;
    return new ToolError(
      "no clusters are available",
      emptyFleetAdvice({ ...deps.clusters.sourceFacts(), canRefresh }),
    );
  }
  const how = deps.config.require_cluster ? "(require_cluster is set)" : "or call clusters_switch first";
  return new ToolError("no cluster selected", `pass \`cluster\` ${how}; known clusters: ${names.join(", ")}`);
}
