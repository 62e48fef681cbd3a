// How a tool call reaches back to its client, per protocol era: progress notifications in both; confirmations
// through elicitation (2025 era, a server-to-client request) or an input request (2026-07-28, a result the
// client answers by retrying the call with `inputResponses`).
import {
  type CallToolResult,
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  type ClientCapabilities,
  type InputRequiredResult,
  inputRequired,
  inputResponse,
  type McpServer,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { NeedsConfirmation } from "./confirm.js";

const CONFIRM_KEY = "confirm";

const CONFIRM_SCHEMA = {
  type: "object" as const,
  properties: {
    confirm: { type: "boolean" as const, title: "Proceed", description: "Run the operation" },
  },
  required: ["confirm"],
};

/** Why: the 2026-07-28 era carries a per-request envelope; the 2025 era does not. */
export function isModernRequest(ctx: ServerContext): boolean {
  return ctx.mcpReq.envelope !== undefined;
}

function clientCapabilities(server: McpServer, ctx: ServerContext): ClientCapabilities | undefined {
  if (!isModernRequest(ctx)) return server.server.getClientCapabilities();
  const env = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  return env?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined;
}

/** Why: the client's name for the audit record: from initialize (2025) or the request's envelope (2026-07-28). */
export function clientNameFor(server: McpServer, ctx: ServerContext): string | undefined {
  if (!isModernRequest(ctx)) return server.server.getClientVersion()?.name;
  const env = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  return (env?.[CLIENT_INFO_META_KEY] as { name?: string } | undefined)?.name;
}

/** Why: one notification per finished unit of work, when the client sent a progress token (both eras). */
export function progressFor(
  ctx: ServerContext,
): (value: number, total?: number, message?: string) => Promise<void> {
  const token = ctx.mcpReq._meta?.progressToken;
  return async (value, total, message) => {
    if (token === undefined) return;
    await ctx.mcpReq
      .notify({
        method: "notifications/progress",
        params: { progressToken: token, progress: value, total, message },
      })
      .catch(() => {});
  };
}

/**
 * Why: asks the client to confirm. False when the client cannot be asked (no elicitation capability) or it did
 * not accept; in the modern era, a first call without an answer throws NeedsConfirmation.
 */
export function confirmFor(server: McpServer, ctx: ServerContext): (message: string) => Promise<boolean> {
  return async (message) => {
    if (!clientCapabilities(server, ctx)?.elicitation) return false;
    if (isModernRequest(ctx)) {
      const answer = inputResponse(ctx.mcpReq.inputResponses, CONFIRM_KEY);
      if (answer.kind === "missing") throw new NeedsConfirmation(message);
      return answer.kind === "elicit" && answer.action === "accept" && answer.content?.confirm === true;
    }
    const answer = await ctx.mcpReq.elicitInput(
      { mode: "form", message, requestedSchema: CONFIRM_SCHEMA },
      { signal: ctx.mcpReq.signal },
    );
    return answer.action === "accept" && answer.content?.confirm === true;
  };
}

/** Why: a modern-era call that needs a confirmation ends as an input request; the retry carries the answer. */
export async function answeringInputRequests(
  run: () => Promise<CallToolResult>,
): Promise<CallToolResult | InputRequiredResult> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof NeedsConfirmation)) throw err;
    return inputRequired({
      inputRequests: {
        [CONFIRM_KEY]: inputRequired.elicit({ message: err.message, requestedSchema: CONFIRM_SCHEMA }),
      },
    });
  }
}
