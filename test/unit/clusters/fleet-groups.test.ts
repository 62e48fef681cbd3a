// Majority and outliers: grouping per-cluster values, and folding a fleet answer into its byte budget.
import { describe, expect, it } from "vitest";
import { describeGroups, fitLines, groupValues } from "../../../src/tools/fleet-groups.js";

describe("groupValues / describeGroups", () => {
  it("puts the most common value first, counted, and names the outliers", () => {
    const entries: [string, string][] = Array.from({ length: 97 }, (_, i) => [
      `c${String(i).padStart(3, "0")}`,
      "2",
    ]);
    entries.push(["c1-dfw1", "5"], ["z-a", "3"], ["z-b", "3"]);
    const groups = groupValues(entries);
    expect(groups.map((g) => [g.value, g.clusters.length])).toEqual([
      ["2", 97],
      ["3", 2],
      ["5", 1],
    ]);
    expect(describeGroups(groups)).toBe("2 on 97 clusters; 3 on z-a, z-b; 5 on c1-dfw1");
  });

  it("names a small majority too", () => {
    const groups = groupValues([
      ["c1-lax1", "2"],
      ["c1-sv5", "2"],
      ["iad0-sandbox", "2"],
      ["c1-dfw1", "5"],
    ]);
    expect(describeGroups(groups)).toBe("2 on 3 clusters (c1-lax1, c1-sv5, iad0-sandbox); 5 on c1-dfw1");
  });
});

describe("fitLines", () => {
  it("keeps the head, fits what it can and says how much it folded", () => {
    const body = Array.from({ length: 1000 }, (_, i) => `line ${i} ${"x".repeat(50)}`);
    const text = fitLines(["head"], body, 4096, (n) => `... ${n} folded`);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(4096);
    const shown = text.split("\n").filter((l) => l.startsWith("line ")).length;
    expect(text).toContain(`... ${1000 - shown} folded`);
    expect(text.startsWith("head\n")).toBe(true);
    expect(fitLines(["h"], ["a", "b"], 4096, () => "never")).toBe("h\na\nb");
  });
});
