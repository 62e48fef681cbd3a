// The one output budget (pure): text and structuredContent together, paging tokens kept, shapes kept.
import { describe, expect, it } from "vitest";
import { fitResult, shortenJson } from "../../../src/mcp/budget.js";
import { legBudget } from "../../../src/tools/exec-all.js";

const size = (r: ReturnType<typeof fitResult>): number =>
  Buffer.byteLength(r.content.map((c) => (c.type === "text" ? c.text : "")).join("")) +
  Buffer.byteLength(JSON.stringify(r.structuredContent ?? null));

describe("fitResult", () => {
  it("leaves a result within budget untouched", () => {
    const r = fitResult({ text: "a\nb", footer: "\nmore", structured: { cluster: "x", n: 1 } }, 1000);
    expect(r.content[0]).toEqual({ type: "text", text: "a\nb\nmore" });
    expect(r.structuredContent).toEqual({ cluster: "x", n: 1 });
  });

  it("bounds text and structuredContent together, keeping the footer and names whole", () => {
    const object = { metadata: { name: "big" }, data: { a: "x".repeat(50_000), b: "y".repeat(50_000) } };
    const r = fitResult(
      { text: "line\n".repeat(20_000), footer: "\nFOOTER", structured: { cluster: "c", object } },
      6000,
    );
    expect(size(r)).toBeLessThanOrEqual(6000);
    const text = (r.content[0] as { text: string }).text;
    expect(text).toContain("\nFOOTER");
    expect(text).toMatch(/output truncated/);
    expect(text).toMatch(/structuredContent shortened/);
    const s = r.structuredContent as { cluster: string; object: typeof object };
    expect(s.cluster).toBe("c");
    expect(s.object.metadata.name).toBe("big");
    expect(s.object.data.a).toMatch(/more characters cut\]$/);
  });

  it("keeps at least half the budget for the text when structuredContent cannot shrink, and says so", () => {
    const docs = Array.from({ length: 1000 }, (_, i) => ({ index: i, outcome: "not applied" }));
    const text = `nothing applied: document 500 is refused\n${"detail\n".repeat(2000)}`;
    const r = fitResult({ text, structured: { cluster: "c", docs }, failed: true }, 6000);
    const shown = (r.content[0] as { text: string }).text;
    expect(shown).toMatch(/^nothing applied: document 500 is refused/);
    expect(Buffer.byteLength(shown)).toBeGreaterThan(2500);
    expect(shown).toMatch(/output truncated/);
    expect((r.structuredContent as { docs: unknown[] }).docs).toHaveLength(1000);
    // A short text is kept whole and says why the total is over.
    const short = fitResult({ text: "3 documents refused", structured: { cluster: "c", docs } }, 6000);
    expect((short.content[0] as { text: string }).text).toMatch(
      /^3 documents refused\n\.\.\. structuredContent exceeds max_output_bytes: its rows are never dropped/,
    );
  });

  it("marks failed outputs as errors", () => {
    expect(fitResult({ text: "x", failed: true }, 100).isError).toBe(true);
  });
});

describe("shortenJson", () => {
  it("never cuts paging tokens or drops array items", () => {
    const page = {
      continue: "t".repeat(500),
      items: Array.from({ length: 50 }, (_, i) => ({ name: `n${i}`, note: "z".repeat(200) })),
    };
    const short = shortenJson(page, 3000) as typeof page;
    expect(short.continue).toBe(page.continue);
    expect(short.items).toHaveLength(50);
    expect(short.items[0]?.name).toBe("n0");
    expect(short.items[0]?.note.length).toBeLessThan(200);
  });
});

describe("legBudget", () => {
  it("splits the budget across legs after their wrappers, with a floor", () => {
    expect(legBudget(6000, ["a", "b", "c"])).toBe(Math.floor((6000 - 200 - 3 * 102) / 3));
    expect(
      legBudget(
        6000,
        Array.from({ length: 120 }, (_, i) => `c${i}`),
      ),
    ).toBe(256);
  });
});
