// The one output budget: max_output_bytes (or a fan-out leg's share of it) bounds text and structuredContent
// together, applied once per call by the one entry (invoke.ts). Pure functions, unit-tested.
import type { CallToolResult } from "@modelcontextprotocol/server";
import { truncate } from "./results.js";
import type { ToolOutput } from "./tool.js";

const bytes = (s: string): number => Buffer.byteLength(s);
const jsonBytes = (v: unknown): number => bytes(JSON.stringify(v));

// Room kept for the note truncate() appends, so the cut text and its note stay inside the budget.
const NOTE_BYTES = 160;
// Keys whose strings are never shortened: paging tokens and the names an agent acts on.
const KEEP = new Set([
  "continue",
  "cluster",
  "kind",
  "apiVersion",
  "name",
  "namespace",
  "operation",
  "status",
]);
const STRING_CAPS = [4096, 1024, 256, 64, 16];
const SHORTENED =
  "\n... structuredContent shortened to fit max_output_bytes (long values cut); narrow the query";
// A leg's own note names its own budget; what the whole fan-out answer needs is said once by it (fleet/sections.ts).
const SHORTENED_LEG = "\n... structuredContent shortened to fit this cluster's share (long values cut)";

const UNCUT =
  "\n... structuredContent exceeds max_output_bytes: its rows are never dropped; narrow the query";

/**
 * Why: the bytes a text always keeps (half the budget), whatever structuredContent takes: a tool that folds its
 * own text (a fleet table) folds it to this, so the one budget never cuts its fold note off.
 */
export function textShare(budget: number): number {
  return Math.floor(budget / 2) - Buffer.byteLength(UNCUT);
}

// Keys whose strings keep their end when cut (a log's newest lines).
const TAIL = new Set(["log"]);

function cutStrings(v: unknown, cap: number, key = ""): unknown {
  if (typeof v === "string") {
    if (v.length <= cap || KEEP.has(key)) return v;
    const cut = v.length - cap;
    return TAIL.has(key)
      ? `[${cut} earlier characters cut] …${v.slice(-cap)}`
      : `${v.slice(0, cap)}… [${cut} more characters cut]`;
  }
  if (Array.isArray(v)) return v.map((x) => cutStrings(x, cap, key));
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cutStrings(x, cap, k)]));
  return v;
}

/**
 * Why: structuredContent over its share is shortened keeping its shape (so it still matches the outputSchema):
 * long strings are cut, paging tokens and names stay whole. Arrays are never cut: a dropped list row or fan-out
 * leg would be lost without a trace, so a result made of many small parts may stay over (the text says so).
 * Returned as is when it fits.
 */
export function shortenJson(value: Record<string, unknown>, maxBytes: number): Record<string, unknown> {
  const size = jsonBytes(value);
  if (size <= maxBytes) return value;
  let last = value;
  for (const cap of STRING_CAPS) {
    last = cutStrings(value, cap) as Record<string, unknown>;
    if (jsonBytes(last) <= maxBytes) return last;
  }
  // Nothing long enough to cut: the value itself, so the caller sees that nothing was shortened.
  return jsonBytes(last) < size ? last : value;
}

/** Why: whose budget a result is fitted to: a call's max_output_bytes, or a fan-out leg's share of it. */
export type BudgetScope = "call" | "leg";

/**
 * Why: a handler's output as a CallToolResult within `budget` bytes for text and structuredContent together.
 * The text gets what the structured result leaves (at least half); the paging footer is kept whole. A leg's
 * notes speak of its share only: its structured part over the share is the fan-out's to place (packSections).
 */
export function fitResult(out: ToolOutput, budget: number, scope: BudgetScope = "call"): CallToolResult {
  const leg = scope === "leg";
  const footer = out.footer ?? "";
  const structuredBytes = out.structured ? jsonBytes(out.structured) : 0;
  let text = out.text;
  let structured = out.structured;
  let note = "";
  if (bytes(text) + bytes(footer) + structuredBytes > budget) {
    const textRoom = Math.max(Math.floor(budget / 2), budget - structuredBytes) - bytes(footer) - NOTE_BYTES;
    text = truncate(text, Math.max(64, textRoom), out.narrowHint, out.keep);
    if (structured) {
      const shortened = leg ? SHORTENED_LEG : SHORTENED;
      const room = budget - bytes(text) - bytes(footer) - bytes(shortened);
      const short = shortenJson(structured, Math.max(0, room));
      if (short !== structured) note = shortened;
      structured = short;
      // Still over: a structured part that fits the budget alone leaves the text the rest (at least 64 bytes); one
      // that cannot (rows, documents, legs are never dropped) leaves the text, what an agent reads, up to the whole
      // budget on its own: the total then exceeds, and says why.
      if (bytes(text) + bytes(footer) + bytes(note) + jsonBytes(short) > budget) {
        const rest = budget - jsonBytes(short) - bytes(footer) - bytes(note);
        const uncut = leg ? "" : UNCUT;
        const limit = rest >= 0 ? rest - NOTE_BYTES : budget - bytes(footer) - bytes(note) - bytes(uncut);
        text =
          bytes(out.text) <= limit
            ? out.text
            : truncate(
                out.text,
                Math.max(64, limit - (rest >= 0 ? 0 : NOTE_BYTES)),
                out.narrowHint,
                out.keep,
              );
        // Said when the structured part is the cause (over half the budget; not a leg's long paging footer). Never
        // by a leg: its share is not max_output_bytes, and its fan-out fits or names whole legs (packSections).
        if (text === out.text && jsonBytes(short) > budget / 2) note += uncut;
      }
    }
  }
  // Output kept by its tail (logs) ends with its newest line: the note goes first there.
  const full =
    out.keep === "tail" ? `${note.slice(1)}${note ? "\n" : ""}${text}${footer}` : text + footer + note;
  const result: CallToolResult = { content: [{ type: "text", text: full }] };
  if (structured) result.structuredContent = structured;
  if (out.failed) result.isError = true;
  return result;
}
