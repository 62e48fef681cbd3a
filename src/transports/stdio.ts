// stdio transport: JSON-RPC on stdin/stdout; ends cleanly on stdin close, SIGINT or SIGTERM.
//
// Our own line transport instead of the SDK's: the SDK closes the transport (ending the server) when one line
// exceeds its read buffer, and drops malformed messages without an answer. Here a line over the cap is
// discarded as it streams and answered with -32600; bad JSON gets -32700, bad shapes -32600/-32602.
import type { JSONRPCMessage, McpServer, Transport } from "@modelcontextprotocol/server";
import { serveStdio as serveStdioEras } from "@modelcontextprotocol/server/stdio";
import type { Logger } from "../log.js";
import { checkJsonRpc, RPC_CODES, type RpcRejection, rejectionMessage } from "./jsonrpc-check.js";
import { type Frame, LineFramer } from "./line-framer.js";

/** Why: the limit and its setting, named in the error so the user knows what to raise. */
export function oversizedMessage(bytes: number, limit: number): string {
  return `Invalid Request: message of ${bytes} bytes exceeds the limit of ${limit} bytes (setting max_request_bytes)`;
}

/** Why: an MCP transport over any readable/writable pair (process stdio in the CLI, pipes in tests). */
export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private readonly framer: LineFramer;
  private closed = false;

  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly output: NodeJS.WritableStream,
    private readonly maxBytes: number,
    private readonly logger: Logger,
  ) {
    this.framer = new LineFramer(maxBytes);
  }

  private readonly onData = (chunk: Buffer | string): void => {
    const buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    for (const frame of this.framer.push(buf)) this.handle(frame);
  };

  private readonly onInputError = (err: Error): void => {
    this.onerror?.(err);
  };

  /** Starts reading; called by McpServer.connect. */
  async start(): Promise<void> {
    this.input.on("data", this.onData);
    this.input.on("error", this.onInputError);
  }

  /** Writes one message as one line; resolves once the stream accepted it (back-pressure respected). */
  send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.output.write(`${JSON.stringify(message)}\n`)) resolve();
      else this.output.once("drain", resolve);
    });
  }

  /** Stops reading and reports the close once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.input.off("data", this.onData);
    this.input.off("error", this.onInputError);
    this.input.pause();
    this.onclose?.();
  }

  private handle(frame: Frame): void {
    if (frame.kind === "oversized") {
      this.refuse({
        id: frame.id,
        code: RPC_CODES.invalidRequest,
        message: oversizedMessage(frame.bytes, this.maxBytes),
        answer: true,
      });
      return;
    }
    if (frame.text.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(frame.text);
    } catch {
      this.refuse({
        id: null,
        code: RPC_CODES.parseError,
        message: "Parse error: invalid JSON",
        answer: true,
      });
      return;
    }
    const checked = checkJsonRpc(value);
    if (checked.ok) this.onmessage?.(checked.message);
    else this.refuse(checked.rejection);
  }

  private refuse(r: RpcRejection): void {
    this.logger.warn("JSON-RPC message refused", { code: r.code, reason: r.message });
    if (r.answer) void this.send(rejectionMessage(r));
  }
}

/**
 * Why: resolves when the session is over, so the CLI can close clients and exit 0. The SDK's serveStdio picks
 * the era from the opening message (initialize: 2025; server/discover or an enveloped request: 2026-07-28) and
 * pins one server from `factory` for the connection; the framing protections are this module's LineTransport.
 */
export async function serveStdio(
  factory: () => McpServer,
  logger: Logger,
  maxRequestBytes: number,
): Promise<void> {
  const transport = new LineTransport(process.stdin, process.stdout, maxRequestBytes, logger);
  const done = new Promise<void>((resolve) => {
    const stop = (why: string): void => {
      logger.info("shutting down", { reason: why });
      resolve();
    };
    process.stdin.once("end", () => stop("stdin closed"));
    process.stdin.once("close", () => stop("stdin closed"));
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  const handle = serveStdioEras(factory, {
    transport,
    onerror: (err) => logger.debug("stdio error", { error: err.message }),
  });
  logger.info("serving MCP on stdio");
  await done;
  await handle.close().catch(() => {});
}
