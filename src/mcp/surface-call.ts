// Prompts, resources and completion read the cluster only by running a registered tool: same boundary, policy,
// redaction, output budget and audit record as a tools/call.
import type { CallToolResult } from "@modelcontextprotocol/server";
import { deadline } from "../util/deadline.js";
import type { ServerDeps } from "./deps.js";
import { callTool } from "./invoke.js";
import { isToolEnabled } from "./policy.js";
import type { AnyTool } from "./tool.js";

// Completion requests carry no cancellation signal, so their cluster reads get a short bound of their own.
const UNSIGNALLED_TIMEOUT_MS = 5000;

/** Why: what a surface call needs besides the tool: who asks (the caller's session) and its cancellation, if any. */
export interface SurfaceCaller {
  sessionId: string;
  signal?: AbortSignal;
}

/** Why: the one way the MCP surface (resources, completion) reaches a cluster: through a tool the policy allows. */
export async function callRegisteredTool(
  deps: ServerDeps,
  tools: readonly AnyTool[],
  name: string,
  args: Record<string, unknown>,
  caller: SurfaceCaller,
): Promise<CallToolResult> {
  const tool = tools.find((t) => t.name === name && isToolEnabled(t, deps.config));
  if (!tool)
    return { isError: true, content: [{ type: "text", text: `${name} is not available on this server` }] };
  const limit = deadline(UNSIGNALLED_TIMEOUT_MS);
  try {
    const signal = caller.signal ?? limit.signal;
    return await callTool(deps, tool, args, { sessionId: caller.sessionId, signal });
  } finally {
    limit.clear();
  }
}
