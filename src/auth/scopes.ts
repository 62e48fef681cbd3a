// Which OAuth scope a call needs: read_scope for read-only tools, write_scope for every other; a fan-out needs the
// scope of the operation it runs.
import type { OAuthConfig } from "../config/index.js";
import { ToolError } from "../errors.js";
import type { AnyTool } from "../mcp/tool.js";
import type { Identity } from "./identity.js";

/** Why: the fan-out's operation (a cluster-aware tool named in `operation`), whose scope the fan-out needs. */
export function fanOutOperation(
  tool: AnyTool,
  args: Record<string, unknown>,
  tools: readonly AnyTool[],
): AnyTool | undefined {
  if (tool.kind !== "fleet" || typeof args.operation !== "string") return undefined;
  return tools.find((t) => t.kind === "cluster" && t.name === args.operation);
}

/** Why: one rule for every call path; session-only tools (clusters_switch) change nothing on a cluster. */
export function scopeOf(tool: AnyTool, oauth: Pick<OAuthConfig, "read_scope" | "write_scope">): string {
  const sessionOnly = tool.kind === "fleet" && tool.sessionOnly === true;
  return tool.annotations.readOnlyHint || sessionOnly ? oauth.read_scope : oauth.write_scope;
}

/** Why: the scope a call needs, known before it runs (HTTP 403) and checked again at the call entry. */
export function scopeNeeded(
  tool: AnyTool,
  args: Record<string, unknown>,
  tools: readonly AnyTool[],
  oauth: Pick<OAuthConfig, "read_scope" | "write_scope">,
): string {
  return scopeOf(fanOutOperation(tool, args, tools) ?? tool, oauth);
}

/**
 * Why: the call entry's check, for every path (tools/call, fan-out legs, resources, completion). With [oauth] a
 * call needs a caller holding the tool's scope; a fan-out's own call is judged by each leg (its operation's scope).
 */
export function assertScope(
  oauth: OAuthConfig | undefined,
  caller: Identity | undefined,
  tool: AnyTool,
  args: Record<string, unknown>,
): void {
  if (!oauth) return;
  if (!caller)
    throw new ToolError(
      "this call has no authenticated user",
      "call through the HTTP endpoint with an OAuth token",
    );
  if (tool.kind === "fleet" && typeof args.operation === "string") return;
  const scope = scopeOf(tool, oauth);
  if (!caller.has(scope))
    throw new ToolError(
      `${tool.name} needs the "${scope}" scope, which this token does not grant`,
      "ask the authorization server for a token with that scope",
    );
}
