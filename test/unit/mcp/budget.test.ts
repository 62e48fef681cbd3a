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

  it("never gives a fan-out leg the whole-answer note: its share is not max_output_bytes", () => {
    // A one-row page at the 256-byte minimum share: the structured part alone is over the share.
    const page = {
      cluster: "f000",
      kind: "ConfigMap",
      count: 1,
      continue: "t".repeat(80),
      columns: ["name", "data", "age"],
      items: [{ name: "cm-000", data: 2, age: "1s" }],
    };
    const out = {
      text: "NAME     DATA   AGE\ncm-000   2      1s",
      footer: `\npage shortened to 1 of 81 rows; next page: continue="${page.continue}"`,
      structured: page,
    };
    const call = fitResult(out, 256);
    expect((call.content[0] as { text: string }).text).toMatch(/structuredContent exceeds max_output_bytes/);
    const leg = fitResult(out, 256, "leg");
    const text = (leg.content[0] as { text: string }).text;
    expect(text).toBe(`${out.text}${out.footer}`);
    expect(leg.structuredContent).toEqual(page);
    // A leg's long values cut to its share say so, naming the share, not max_output_bytes.
    const big = fitResult(
      { text: "x", structured: { cluster: "c", object: { data: "y".repeat(5000) } } },
      1000,
      "leg",
    );
    expect(size(big)).toBeLessThanOrEqual(1000);
    const said = (big.content[0] as { text: string }).text;
    expect(said).toMatch(/structuredContent shortened to fit this cluster's share/);
    expect(said).not.toMatch(/max_output_bytes/);
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
