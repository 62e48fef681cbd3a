// Reads a JSON request body with a size limit, so malformed or huge input becomes an HTTP error, not a crash.
import type { IncomingMessage } from "node:http";
import { RPC } from "./http-reply.js";

/** Why: a parsed body, or the HTTP status and JSON-RPC error to answer with (`aborted`: nobody to answer). */
export type BodyResult =
  | { ok: true; value: unknown }
  | { ok: false; status: number; code: number; message: string; aborted?: boolean };

/** Why: MCP POSTs must be `application/json` (parameters such as charset allowed), with no content coding. */
export function jsonContentProblem(req: IncomingMessage): string | undefined {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") return "Unsupported Media Type: Content-Type must be application/json";
  const coding = (req.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  if (coding !== "identity") return "Unsupported Media Type: Content-Encoding is not supported";
  return undefined;
}

function tooLarge(limit: number): BodyResult {
  return {
    ok: false,
    status: 413,
    code: RPC.serverError,
    message: `Payload Too Large: request body exceeds the limit of ${limit} bytes (setting max_request_bytes)`,
  };
}

/** Why: buffers at most `limit` bytes; past it the rest is discarded unread and 413 is reported. */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve(tooLarge(limit));
  }
  return new Promise<BodyResult>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      resolve(result);
    };
    req.on("data", (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) settle(tooLarge(limit));
      else chunks.push(chunk);
    });
    req.on("end", () => {
      if (settled) return;
      const text = Buffer.concat(chunks, size).toString("utf8");
      try {
        settle({ ok: true, value: JSON.parse(text) as unknown });
      } catch {
        settle({ ok: false, status: 400, code: RPC.parseError, message: "Parse error: Invalid JSON" });
      }
    });
    const aborted = (): void =>
      settle({ ok: false, status: 400, code: RPC.parseError, message: "request aborted", aborted: true });
    req.on("error", aborted);
    req.on("close", aborted);
  });
}
