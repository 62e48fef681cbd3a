// packSections: the sectioned fan-out answer within the budget as the client receives it (the JSON-RPC result).
import { describe, expect, it } from "vitest";
import { packSections, type Section } from "../../src/fleet/sections.js";

const frame = (budget: number) => ({
  lines: ["op on N clusters"],
  structured: { operation: "op" },
  operation: "resources_list",
  isError: false,
  budget,
  share: 256,
});
const section = (cluster: string, failed = false): Section<{ cluster: string }> => ({
  cluster,
  failed,
  text: `=== ${cluster}: ${failed ? "error" : "ok"} ===\n${failed ? `boom on ${cluster}` : "row ".repeat(40)}`,
  leg: { cluster },
});
const size = (p: { text: string; structured: unknown }) =>
  Buffer.byteLength(
    JSON.stringify({ content: [{ type: "text", text: p.text }], structuredContent: p.structured }),
  );

describe("packSections", () => {
  it("returns every leg unchanged, in order, when they all fit", () => {
    const all = ["a", "b", "c"].map((c) => section(c));
    const p = packSections(frame(10_000), all);
    expect(p.structured.results.map((l) => l.cluster)).toEqual(["a", "b", "c"]);
    expect(p.structured.omitted).toBeUndefined();
    expect(p.text).toBe(["op on N clusters", ...all.map((s) => s.text)].join("\n"));
  });

  it("fits the budget: failures named and shown first, the rest named with how to reach them", () => {
    const all = Array.from({ length: 60 }, (_, i) => section(`c${i}`, i === 41 || i === 7));
    const p = packSections(frame(2000), all);
    expect(size(p)).toBeLessThanOrEqual(2000);
    const shown = p.structured.results.map((l) => l.cluster);
    expect(shown.slice(0, 2)).toEqual(["c7", "c41"]);
    expect(shown.length).toBeGreaterThan(2);
    expect(p.text).toContain("failed (2): c7, c41");
    expect(p.text).toContain("boom on c41");
    // Shown and omitted together: every cluster exactly once, the omitted ones in selection order.
    const omitted = p.structured.omitted ?? [];
    expect([...shown, ...omitted].sort()).toEqual(all.map((s) => s.cluster).sort());
    expect(omitted).toEqual(all.map((s) => s.cluster).filter((c) => !shown.includes(c)));
    expect(p.text).toContain(`${omitted.length} of 60 clusters`);
    expect(p.text).toContain("clusters: [those names]");
  });

  it("says once, when a shown leg has a next page, how to see more of a cluster", () => {
    const paged = (c: string) => ({ ...section(c), paged: true });
    const p = packSections(frame(10_000), [paged("a"), paged("b"), section("c")]);
    const said = p.text.split("Each cluster shows one page").length - 1;
    expect(said).toBe(1);
    expect(p.text).toContain("one page for its share of max_output_bytes (256 of 10000 bytes)");
    expect(p.text).toContain("resources_list with cluster: <name> and continue: <its token>");
    // Counted in the budget: a tight answer still fits with it.
    const tight = packSections(
      frame(1500),
      Array.from({ length: 20 }, (_, i) => paged(`c${i}`)),
    );
    expect(size(tight)).toBeLessThanOrEqual(1500);
    expect(tight.text).toContain("Each cluster shows one page");
    // No leg with a next page shown: nothing said.
    expect(packSections(frame(10_000), [section("a")]).text).not.toContain("Each cluster shows one page");
  });

  it("names a long rest by its ends in the text; structuredContent lists every name", () => {
    const all = Array.from({ length: 200 }, (_, i) => section(`cluster-with-a-long-name-${i}`));
    const p = packSections(frame(12_000), all);
    expect(size(p)).toBeLessThanOrEqual(12_000);
    const omitted = p.structured.omitted ?? [];
    expect(omitted.length + p.structured.results.length).toBe(200);
    expect(p.text).toContain(`${omitted[0]}, …, ${omitted.at(-1)} (${omitted.length} clusters`);
  });
});
