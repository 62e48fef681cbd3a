// stdin read from the first moment of start-up: frames queue here while the MCP SDK loads, so start-up answers can
// reply meanwhile and the transport later receives every frame, in order.
import { type Frame, LineFramer } from "./line-framer.js";

/**
 * Why: the stdio transport needs the SDK, which takes tens of milliseconds to load; reading starts before it, and
 * nothing read in the meantime is lost or reordered. `early` sees each frame that arrives before `attach` and
 * returns false once the SDK is needed (see `needed`).
 */
export class FrameQueue {
  private readonly framer: LineFramer;
  private queued: Frame[] = [];
  private consumer: ((frame: Frame) => void) | undefined;
  private inputEnded = false;
  private endListener: (() => void) | undefined;
  private errorListener: ((err: Error) => void) | undefined;
  private readonly errors: Error[] = [];
  private wake: () => void = () => {};
  /** Resolves once a frame needs the SDK (or without `early`, at once), or the input ends or fails. */
  readonly needed: Promise<void>;

  constructor(
    private readonly input: NodeJS.ReadableStream,
    maxBytes: number,
    private readonly early?: (frame: Frame) => boolean,
  ) {
    this.needed = new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    if (!early) this.wake();
    this.framer = new LineFramer(maxBytes);
    input.on("data", this.onData);
    input.on("error", this.onError);
    input.once("end", this.onEnd);
    input.once("close", this.onEnd);
  }

  private readonly onData = (chunk: Buffer | string): void => {
    const buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    for (const frame of this.framer.push(buf)) {
      if (this.consumer) this.consumer(frame);
      else {
        if (!this.keepWaiting(frame)) this.wake();
        this.queued.push(frame);
      }
    }
  };

  // Answering early is an optimisation: if it fails, the frame simply waits for the SDK like any other.
  private keepWaiting(frame: Frame): boolean {
    try {
      return this.early?.(frame) === true;
    } catch {
      return false;
    }
  }

  private readonly onError = (err: Error): void => {
    this.wake();
    if (this.errorListener) this.errorListener(err);
    else this.errors.push(err);
  };

  private readonly onEnd = (): void => {
    if (this.inputEnded) return;
    this.inputEnded = true;
    this.wake();
    if (this.consumer) this.endListener?.();
  };

  /** Hands every queued frame to `consumer`, then each new one as it arrives; errors and the end likewise. */
  attach(consumer: (frame: Frame) => void, onError: (err: Error) => void): void {
    this.consumer = consumer;
    this.errorListener = onError;
    const queued = this.queued;
    this.queued = [];
    for (const frame of queued) consumer(frame);
    for (const err of this.errors.splice(0)) onError(err);
    if (this.inputEnded) this.endListener?.();
  }

  /** Calls `listener` once the input has ended and every frame read before was handed on (at once if so now). */
  onceEnded(listener: () => void): void {
    let fired = false;
    this.endListener = () => {
      if (fired) return;
      fired = true;
      listener();
    };
    if (this.inputEnded && this.consumer) this.endListener();
  }

  /** Stops reading; frames still arriving are dropped. */
  stop(): void {
    this.consumer = undefined;
    this.input.off("data", this.onData);
    this.input.off("error", this.onError);
    this.input.pause();
  }
}
