// stdio transport: JSON-RPC on stdin/stdout; ends cleanly on stdin close, SIGINT or SIGTERM.
//
// Our own line transport instead of the SDK's: the SDK closes the transport (ending the server) when one line
// exceeds its read buffer, and drops malformed messages without an answer. Here a line over the cap is
// discarded as it streams and answered with -32600; bad JSON gets -32700, bad shapes -32600/-32602.
import type { JSONRPCMessage, McpServer, Transport } from "@modelcontextprotocol/server";
import { serveStdio as serveStdioEras } from "@modelcontextprotocol/server/stdio";
import type { Logger } from "../log.js";
import type { FrameQueue } from "./frame-queue.js";
import { checkJsonRpc, RPC_CODES, type RpcRejection, rejectionMessage } from "./jsonrpc-check.js";
import type { Frame } from "./line-framer.js";
import type { StartupAnswers } from "./startup-answers.js";
import type { EarlyStdin } from "./stdio-open.js";

/** Why: the limit and its setting, named in the error so the user knows what to raise. */
export function oversizedMessage(bytes: number, limit: number): string {
  return `Invalid Request: message of ${bytes} bytes exceeds the limit of ${limit} bytes (setting max_request_bytes)`;
}

/** Why: an MCP transport over a frame queue and a writable (process stdio in the CLI, pipes in tests). */
export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private closed = false;
  // Requests read while the SDK loaded: an input that ends right after them still gets their answers.
  private readonly queuedRequests = new Set<string | number>();
  private flushing = false;
  private drainedListener: (() => void) | undefined;

  constructor(
    private readonly frames: FrameQueue,
    private readonly output: NodeJS.WritableStream,
    private readonly maxBytes: number,
    private readonly logger: Logger,
    private readonly answers?: StartupAnswers,
  ) {}

  /** Starts handing frames to the SDK (those queued first); called by the SDK when it connects. */
  async start(): Promise<void> {
    this.flushing = true;
    try {
      this.frames.attach(
        (frame) => this.handle(frame),
        (err) => this.onerror?.(err),
      );
    } finally {
      this.flushing = false;
    }
  }

  /** Calls `listener` once every request read before `start` is answered or cancelled (at once when none waits). */
  onceDrained(listener: () => void): void {
    if (this.queuedRequests.size === 0) listener();
    else this.drainedListener = listener;
  }

  /** Writes one message as one line; resolves once the stream accepted it (back-pressure respected). */
  async send(message: JSONRPCMessage): Promise<void> {
    if (!this.closed && (!this.answers || this.answers.outgoing(message))) {
      await new Promise<void>((resolve) => {
        if (this.output.write(`${JSON.stringify(message)}\n`)) resolve();
        else this.output.once("drain", resolve);
      });
    }
    const id = "id" in message && ("result" in message || "error" in message) ? message.id : undefined;
    if (id !== undefined && id !== null) this.settled(id);
  }

  /** Stops reading and reports the close once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.frames.stop();
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
    if (!checked.ok) {
      this.refuse(checked.rejection);
      return;
    }
    const message = checked.message;
    if (this.flushing && "method" in message && "id" in message) this.queuedRequests.add(message.id);
    // A cancelled request gets no answer from the SDK: it no longer holds the exit.
    else if ("method" in message && message.method === "notifications/cancelled")
      this.settled(message.params?.requestId as string | number);
    if (this.answers && !this.answers.incoming(message)) return;
    this.onmessage?.(message);
  }

  private settled(id: string | number): void {
    if (this.queuedRequests.delete(id) && this.queuedRequests.size === 0) this.drainedListener?.();
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
export async function serveStdio(factory: () => McpServer, logger: Logger, stdin: EarlyStdin): Promise<void> {
  const transport = new LineTransport(stdin.frames, process.stdout, stdin.maxBytes, logger, stdin.answers);
  const done = new Promise<void>((resolve) => {
    const stop = (why: string): void => {
      logger.info("shutting down", { reason: why });
      resolve();
    };
    // Once every answer is written out: an exit with lines still buffered would cut them (a signal stops at once).
    const flushed = (): void => void process.stdout.write("", () => stop("stdin closed"));
    stdin.frames.onceEnded(() => transport.onceDrained(flushed));
    void stdin.stopped.then(stop);
  });
  const handle = serveStdioEras(factory, {
    transport,
    onerror: (err) => logger.debug("stdio error", { error: err.message }),
  });
  logger.info("serving MCP on stdio");
  await done;
  await handle.close().catch(() => {});
}
