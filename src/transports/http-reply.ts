// Small HTTP replies (JSON-RPC errors, plain text) that never throw, even on a socket that is already gone.
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";

/** Why: JSON-RPC error codes the HTTP layer answers with before a message reaches the MCP server. */
export const RPC = {
  parseError: -32700,
  invalidRequest: -32600,
  serverError: -32000,
  sessionNotFound: -32001,
  internalError: -32603,
} as const;

function send(
  res: ServerResponse,
  status: number,
  body: string,
  contentType: string,
  headers: OutgoingHttpHeaders,
): void {
  if (res.headersSent || res.writableEnded || res.destroyed) {
    res.destroy();
    return;
  }
  try {
    res.writeHead(status, {
      "content-type": contentType,
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
      ...headers,
    });
    res.end(body);
  } catch {
    res.destroy();
  }
}

/** Why: MCP clients expect JSON-RPC error bodies (id null unless the request's id is known) on transport failures. */
export function replyRpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: OutgoingHttpHeaders = {},
  id: string | number | null = null,
): void {
  const body = JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id });
  send(res, status, body, "application/json", headers);
}

/** Why: /healthz and paths outside MCP answer in plain text. */
export function replyText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: OutgoingHttpHeaders = {},
): void {
  send(res, status, `${text}\n`, "text/plain; charset=utf-8", headers);
}
