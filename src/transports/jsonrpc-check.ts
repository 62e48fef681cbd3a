// Checks one incoming JSON-RPC value before the MCP SDK sees it, so malformed input gets the error the
// JSON-RPC 2.0 spec prescribes (-32700, -32600, -32602 with a short message) instead of silence or a dump.

import {
  CallToolRequestSchema,
  CompleteRequestSchema,
  GetPromptRequestSchema,
  InitializeRequestSchema,
  JSONRPCMessageSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  PingRequestSchema,
  ReadResourceRequestSchema,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from "@modelcontextprotocol/core";
import type { JSONRPCMessage } from "@modelcontextprotocol/server";

/** Why: the JSON-RPC error codes this layer answers with. */
export const RPC_CODES = {
  parseError: -32700,
  invalidRequest: -32600,
  invalidParams: -32602,
} as const;

/** Why: a JSON-RPC id as the spec allows it (string, number or null when it cannot be known). */
export type RpcId = string | number | null;

/** Why: the error response to send for a rejected message (`id` null when the id could not be read). */
export interface RpcRejection {
  id: RpcId;
  code: number;
  message: string;
  /** False for notifications: the spec forbids answering them, the rejection is only logged. */
  answer: boolean;
}

/** Why: a checked message ready for the SDK, or the reason it was refused. */
export type CheckResult = { ok: true; message: JSONRPCMessage } | { ok: false; rejection: RpcRejection };

interface SafeParser {
  safeParse(v: unknown): {
    success: boolean;
    error?: { issues: readonly { path: readonly PropertyKey[]; message: string }[] };
  };
}

// The requests this server answers, each with the SDK's own schema of its params.
const REQUEST_SCHEMAS: ReadonlyMap<string, SafeParser> = new Map<string, SafeParser>([
  ["initialize", InitializeRequestSchema],
  ["ping", PingRequestSchema],
  ["tools/list", ListToolsRequestSchema],
  ["tools/call", CallToolRequestSchema],
  ["resources/list", ListResourcesRequestSchema],
  ["resources/read", ReadResourceRequestSchema],
  ["resources/templates/list", ListResourceTemplatesRequestSchema],
  ["resources/subscribe", SubscribeRequestSchema],
  ["resources/unsubscribe", UnsubscribeRequestSchema],
  ["prompts/list", ListPromptsRequestSchema],
  ["prompts/get", GetPromptRequestSchema],
  ["completion/complete", CompleteRequestSchema],
  ["logging/setLevel", SetLevelRequestSchema],
]);

const MAX_MESSAGE_CHARS = 200;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function validId(v: unknown): v is string | number {
  return typeof v === "string" || (typeof v === "number" && Number.isFinite(v));
}

function reject(id: RpcId, code: number, message: string, answer = true): CheckResult {
  return { ok: false, rejection: { id, code, message: message.slice(0, MAX_MESSAGE_CHARS), answer } };
}

// "params.arguments: expected record" from the first zod issue; never the rejected value itself.
function firstIssue(parser: SafeParser, value: unknown): string | undefined {
  const r = parser.safeParse(value);
  if (r.success) return undefined;
  const issue = r.error?.issues[0];
  if (!issue) return "invalid params";
  const path = issue.path.map(String).join(".");
  return `${path || "params"}: ${issue.message}`;
}

/** Why: one check for stdio lines and HTTP bodies alike; `value` is already JSON-parsed. */
export function checkJsonRpc(value: unknown): CheckResult {
  if (Array.isArray(value))
    return reject(null, RPC_CODES.invalidRequest, "Invalid Request: JSON-RPC batches are not supported");
  if (!isRecord(value)) return reject(null, RPC_CODES.invalidRequest, "Invalid Request: expected an object");
  const hasId = "id" in value;
  const id: RpcId = validId(value.id) ? value.id : null;
  if (hasId && value.id !== null && id === null)
    return reject(null, RPC_CODES.invalidRequest, "Invalid Request: id must be a string or a number");
  if (value.jsonrpc !== "2.0")
    return reject(id, RPC_CODES.invalidRequest, 'Invalid Request: "jsonrpc" must be "2.0"');
  const isCall = typeof value.method === "string";
  if (!isCall && !("result" in value) && !("error" in value))
    return reject(id, RPC_CODES.invalidRequest, "Invalid Request: method must be a string");
  if (isCall && value.params !== undefined && !isRecord(value.params))
    return reject(id, RPC_CODES.invalidParams, "Invalid params: params must be an object", hasId);
  const schema = isCall && hasId ? REQUEST_SCHEMAS.get(value.method as string) : undefined;
  const problem = schema ? firstIssue(schema, value) : undefined;
  if (problem) return reject(id, RPC_CODES.invalidParams, `Invalid params: ${problem}`);
  const parsed = JSONRPCMessageSchema.safeParse(value);
  if (!parsed.success) return reject(id, RPC_CODES.invalidRequest, "Invalid Request", hasId);
  return { ok: true, message: parsed.data };
}

/** Why: the wire form of a rejection, as both transports send it. */
export function rejectionMessage(r: RpcRejection): JSONRPCMessage {
  return { jsonrpc: "2.0", id: r.id, error: { code: r.code, message: r.message } } as JSONRPCMessage;
}
