// Output truncation: text over the byte budget is cut at a line boundary (head) or after one (tail), never
// inside a multi-byte character, with a note saying how much was shown and how to narrow.
import { describe, expect, it } from "vitest";
import { truncate } from "../../../src/mcp/results.js";

const lines = Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(3, "0")}`).join("\n"); // 9 bytes each

describe("truncate", () => {
  it("leaves text within the budget alone", () => {
    expect(truncate(lines, Buffer.byteLength(lines))).toBe(lines);
  });

  it("head: whole leading lines, then a note with the sizes and the default hint", () => {
    const out = truncate(lines, 95);
    const [kept, note] = out.split("\n... ");
    expect(kept).toBe(lines.split("\n").slice(0, 10).join("\n"));
    expect(note).toBe(
      `output truncated: showed ${Buffer.byteLength(kept ?? "")} of ${Buffer.byteLength(lines)} bytes; narrow the query (namespace, labelSelector, fieldSelector, limit)`,
    );
  });

  it("tail: a note first, then whole trailing lines, with the caller's hint", () => {
    const out = truncate(lines, 95, "use tailLines", "tail");
    const [note, ...kept] = out.split("\n");
    expect(kept).toEqual(lines.split("\n").slice(-10));
    expect(note).toBe(
      `... output truncated: showing the last ${Buffer.byteLength(kept.join("\n"))} of ${Buffer.byteLength(lines)} bytes; use tailLines`,
    );
  });

  it("a single long line is cut at the byte budget, not at a line", () => {
    const one = "x".repeat(1_000);
    expect(truncate(one, 100).split("\n")[0]).toBe("x".repeat(100));
    expect(truncate(one, 100, undefined, "tail").split("\n")[1]).toBe("x".repeat(100));
  });

  it("never splits a multi-byte character", () => {
    const wide = "é".repeat(100); // 2 bytes each
    for (const keep of ["head", "tail"] as const) {
      const out = truncate(wide, 51, "h", keep);
      const kept = keep === "head" ? out.split("\n")[0] : out.split("\n")[1];
      expect(kept).toBe("é".repeat(25));
      expect(out).not.toContain("\uFFFD");
    }
  });
});
