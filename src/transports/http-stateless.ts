// The stateless lane of the HTTP transport: every 2026-07-28 request, and 2025-era requests when
// http_legacy = "stateless". A fresh server per request from the SDK's createMcpHandler; nothing is kept between
// requests, so any replica can answer any request and no state hangs on a session id.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { toWebRequest } from "@modelcontextprotocol/node";
import { createMcpHandler, isLegacyRequest, type McpServer } from "@modelcontextprotocol/server";
import type { Logger } from "../log.js";

/** Why: how 2025-era HTTP clients are served: in sessions (one replica) or statelessly (replicas). */
export type LegacyHttpMode = "sessions" | "stateless";

/** Why: the lane's one entry: answers `req` (its JSON body already read and checked) when it belongs here. */
export type StatelessLane = (req: IncomingMessage, res: ServerResponse, body: unknown) => Promise<boolean>;

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  const body = Readable.fromWeb(response.body as unknown as NodeWebStream);
  res.once("close", () => body.destroy());
  await new Promise<void>((resolve) => {
    body.once("end", resolve);
    body.once("error", resolve);
    body.once("close", resolve);
    body.pipe(res);
  });
}

/**
 * Why: builds the lane over `factory`. A request with a session id, or a 2025-era request in `sessions` mode, is
 * not the lane's (false): the session registry answers it.
 */
export function statelessLane(factory: () => McpServer, mode: LegacyHttpMode, logger: Logger): StatelessLane {
  const handler = createMcpHandler(() => factory(), {
    legacy: "stateless",
    onerror: (err) => logger.debug("HTTP (stateless) error", { error: err.message }),
  });
  return async (req, res, body) => {
    if (req.headers["mcp-session-id"] !== undefined) return false;
    const controller = new AbortController();
    res.once("close", () => controller.abort());
    const request = await toWebRequest(req, body, { signal: controller.signal });
    if (mode === "sessions" && (await isLegacyRequest(request, body))) return false;
    await writeResponse(res, await handler.fetch(request, { parsedBody: body }));
    return true;
  };
}
