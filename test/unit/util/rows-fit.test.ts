// How many whole rows of a rendered list fit a byte budget: table lines after the header, or top-level YAML
// items, counted so that the header (or nothing) plus those rows stays within the budget.
import { describe, expect, it } from "vitest";
import { rowBytes, rowsThatFit } from "../../../src/util/rows-fit.js";

const table = ["NAME   AGE", "web-1  1d", "web-2  2d", "web-3  3d"].join("\n"); // header 11 bytes with its newline, each row 10

describe("rowsThatFit: tables", () => {
  it("everything fits a large budget", () => {
    expect(rowsThatFit(table, 10_000)).toBe(3);
  });

  it.each([
    [11, 0],
    [21, 1],
    [30, 1],
    [31, 2],
    [41, 3], // 11 + 3 × 10: the last line is counted with a newline it does not have
    [40, 2],
  ])("budget %i bytes: %i row(s)", (budget, rows) => {
    expect(rowsThatFit(table, budget)).toBe(rows);
  });

  it("counts bytes, not characters", () => {
    const wide = ["NAME", "ünï", "ünï"].join("\n"); // 5 + 6 + 6 bytes with newlines
    expect(rowsThatFit(wide, 11)).toBe(1);
    expect(rowsThatFit(wide, 10)).toBe(0);
  });
});

describe("rowsThatFit: YAML sequences", () => {
  const yaml = ["- kind: Pod", "  name: a", "- kind: Pod", "  name: b", ""].join("\n");

  it("a row is a top-level item with all its lines", () => {
    expect(rowsThatFit(yaml, 10_000)).toBe(2);
    expect(rowsThatFit(yaml, 22)).toBe(1); // the first item (12 + 10 bytes), not the second
    expect(rowsThatFit(yaml, 21)).toBe(0);
  });
});

describe("rowBytes, and rows with their structured cost", () => {
  it("measures table rows and YAML items, and fits rows with their structured cost", () => {
    expect(rowBytes("NAME\na\nbb")).toEqual({ head: 5, rows: [2, 3] });
    expect(rowBytes("- a: 1\n  b: 2\n- a: 3")).toEqual({ head: 0, rows: [14, 7] });
    expect(rowsThatFit("NAME\na\nbb\nccc", 11)).toBe(2);
    expect(rowsThatFit("NAME\na\nbb\nccc", 11, [1, 1, 1])).toBe(1);
    expect(rowsThatFit("NAME\na\nbb\nccc", 11, [], 3)).toBe(1);
  });
});
