// Newline-delimited framing with a byte cap: a line over the cap is dropped while it streams in (never
// buffered whole), and its top-level JSON-RPC "id" is still read, so the sender gets an error it can match.
import type { RpcId } from "./jsonrpc-check.js";

/** Why: what the framer hands on: a complete line within the cap, or the fact that one was too long. */
export type Frame = { kind: "line"; text: string } | { kind: "oversized"; bytes: number; id: RpcId };

const NL = 0x0a;
const MAX_ID_CHARS = 256;

/**
 * Why: finds the value of the top-level "id" member of a JSON object in O(1) memory, byte by byte, so an
 * oversized request (whose id the SDK client writes last) can still be answered with its own id.
 */
export class TopLevelIdScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private expectKey = false;
  private key = "";
  private keyIsId = false;
  private capturing: "string" | "number" | undefined;
  private raw = "";
  private found: RpcId = null;
  private rootIsObject: boolean | undefined;

  /** Feeds the next bytes of the line. */
  feed(chunk: Buffer): void {
    for (const b of chunk) this.step(b);
  }

  /** The id, when the line was an object with a string or number "id" at its top level. */
  id(): RpcId {
    if (this.capturing === "number") this.finishNumber();
    return this.found;
  }

  private step(b: number): void {
    const c = String.fromCharCode(b);
    if (this.inString) {
      this.stepString(b, c);
      return;
    }
    if (this.capturing === "number") {
      if (/[-+0-9.eE]/.test(c)) {
        if (this.raw.length < MAX_ID_CHARS) this.raw += c;
        return;
      }
      this.finishNumber();
    }
    if (c === " " || c === "\t" || c === "\r") return;
    if (this.rootIsObject === undefined) this.rootIsObject = c === "{";
    if (!this.rootIsObject) return;
    if (c === "{" || c === "[") {
      this.depth++;
      if (this.depth === 1) this.expectKey = true;
    } else if (c === "}" || c === "]") this.depth--;
    else if (c === "," && this.depth === 1) this.expectKey = true;
    else if (c === ":" && this.depth === 1) this.keyIsId = this.key === "id";
    else if (c === '"') this.startString();
    else if (this.depth === 1 && this.keyIsId && /[-0-9]/.test(c)) {
      this.capturing = "number";
      this.raw = c;
      this.keyIsId = false;
    }
    if (c === "{" || c === "[" || c === ",") this.keyIsId = false;
  }

  private startString(): void {
    this.inString = true;
    if (this.depth !== 1) return;
    if (this.expectKey) {
      this.key = "";
      return;
    }
    if (this.keyIsId) {
      this.capturing = "string";
      this.raw = "";
      this.keyIsId = false;
    }
  }

  private stepString(b: number, c: string): void {
    if (this.escaped) {
      this.escaped = false;
      this.collect(c);
      return;
    }
    if (c === "\\") {
      this.escaped = true;
      this.collect(c);
      return;
    }
    if (c !== '"') {
      this.collect(b < 0x80 ? c : "\u0000");
      return;
    }
    this.inString = false;
    if (this.depth !== 1) return;
    if (this.expectKey) {
      this.expectKey = false;
      return;
    }
    if (this.capturing === "string") {
      this.capturing = undefined;
      try {
        this.found = JSON.parse(`"${this.raw}"`) as string;
      } catch {
        this.found = null;
      }
    }
  }

  private collect(c: string): void {
    if (this.depth !== 1) return;
    if (this.expectKey) {
      if (this.key.length < 3) this.key += c;
      else this.key = "(long)";
    } else if (this.capturing === "string" && this.raw.length < MAX_ID_CHARS) this.raw += c;
  }

  private finishNumber(): void {
    this.capturing = undefined;
    const n = Number(this.raw);
    this.found = Number.isFinite(n) ? n : null;
  }
}

/** Why: splits a byte stream into lines of at most `maxBytes`; memory stays under the cap whatever arrives. */
export class LineFramer {
  private parts: Buffer[] = [];
  private size = 0;
  private dropping: { bytes: number; scanner: TopLevelIdScanner } | undefined;

  constructor(private readonly maxBytes: number) {}

  /** Feeds a chunk; returns the frames it completed, in order. */
  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NL, start);
      const end = nl === -1 ? chunk.length : nl;
      this.take(chunk.subarray(start, end));
      if (nl === -1) break;
      frames.push(this.finishLine());
      start = nl + 1;
    }
    return frames;
  }

  /** Bytes buffered for the line in progress (bounded by the cap). */
  buffered(): number {
    return this.size;
  }

  private take(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.dropping) {
      this.dropping.bytes += piece.length;
      this.dropping.scanner.feed(piece);
      return;
    }
    if (this.size + piece.length <= this.maxBytes) {
      this.parts.push(piece);
      this.size += piece.length;
      return;
    }
    // Over the cap: scan what was kept and everything still to come, but keep none of it.
    const scanner = new TopLevelIdScanner();
    for (const p of this.parts) scanner.feed(p);
    scanner.feed(piece);
    this.dropping = { bytes: this.size + piece.length, scanner };
    this.parts = [];
    this.size = 0;
  }

  private finishLine(): Frame {
    if (this.dropping) {
      const { bytes, scanner } = this.dropping;
      this.dropping = undefined;
      return { kind: "oversized", bytes, id: scanner.id() };
    }
    const text = Buffer.concat(this.parts, this.size).toString("utf8").replace(/\r$/, "");
    this.parts = [];
    this.size = 0;
    return { kind: "line", text };
  }
}
