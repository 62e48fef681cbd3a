import { describe, expect, it } from "vitest";
import { resolveClusterName } from "../../../src/clusters/discovery/index.js";
import { editDistance } from "../../../src/util/text.js";

const known = ["c1-lax1", "c1-sv5", "dev-cluster"];
const aliasMap = (o: Record<string, string>): Map<string, string> => new Map(Object.entries(o));

describe("resolveClusterName", () => {
  it("resolves an exact name", () => {
    expect(resolveClusterName("c1-sv5", known, aliasMap({}))).toEqual({
      ok: true,
      name: "c1-sv5",
      via: "name",
    });
  });

  it("resolves an alias to its target", () => {
    expect(resolveClusterName("production", known, aliasMap({ production: "c1-sv5" }))).toEqual({
      ok: true,
      name: "c1-sv5",
      via: "alias",
    });
  });

  it("prefers an exact name over an alias of the same name", () => {
    const result = resolveClusterName("c1-sv5", known, aliasMap({ "c1-sv5": "c1-lax1" }));
    expect(result).toEqual({ ok: true, name: "c1-sv5", via: "name" });
  });

  it("reports an alias whose target is unknown or filtered", () => {
    const result = resolveClusterName("staging", known, aliasMap({ staging: "stg-1" }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain("alias 'staging' points to a cluster that is not available");
    expect(result.message).not.toContain("stg-1");
    expect(result.message).toContain("not available");
  });

  it("does not treat inherited object keys as aliases", () => {
    const result = resolveClusterName("constructor", known, aliasMap({}));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toMatch(/^unknown cluster 'constructor'/);
  });

  it("lists known clusters closest first for an unknown name", () => {
    const result = resolveClusterName("c1-sv4", known, aliasMap({}));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.suggestions).toEqual(["c1-sv5", "c1-lax1", "dev-cluster"]);
    expect(result.message).toBe("unknown cluster 'c1-sv4'; known: c1-sv5, c1-lax1, dev-cluster");
  });

  it("ranks a case-only difference first", () => {
    // By plain edit distance PRO and PROX (1 edit) are closer than prod (4 edits); a case slip must still win.
    const result = resolveClusterName("PROD", ["PRO", "PROX", "prod"], aliasMap({}));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.suggestions).toEqual(["prod", "PRO", "PROX"]);
    expect(result.message).toBe("unknown cluster 'PROD'; known: prod, PRO, PROX");
  });

  it("breaks distance ties alphabetically", () => {
    const result = resolveClusterName("ab", ["zb", "ax", "ac"], aliasMap({}));
    expect(result.ok ? [] : result.suggestions).toEqual(["ac", "ax", "zb"]);
  });

  it("offers aliases as suggestions, labelled with their target", () => {
    const result = resolveClusterName("prodution", known, aliasMap({ production: "c1-sv5", stale: "gone" }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.suggestions[0]).toBe("production");
    expect(result.suggestions).not.toContain("stale");
    expect(result.message).toContain("known: production (alias of c1-sv5), ");
  });

  it("lists at most 10 names and says how many more exist", () => {
    const many = Array.from({ length: 25 }, (_, i) => `cluster-${String(i).padStart(2, "0")}`);
    const result = resolveClusterName("cluster-07x", many, aliasMap({}));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.suggestions).toHaveLength(10);
    expect(result.suggestions[0]).toBe("cluster-07");
    expect(result.message).toMatch(/, and 15 more$/);
    expect(result.message.split(", ")).toHaveLength(11);
  });

  it("says so when there are no clusters at all", () => {
    const result = resolveClusterName("x", [], aliasMap({}));
    expect(result).toEqual({
      ok: false,
      message: "unknown cluster 'x'; no clusters are available",
      suggestions: [],
    });
  });
});

describe("editDistance", () => {
  it("computes Levenshtein distance", () => {
    expect(editDistance("", "")).toBe(0);
    expect(editDistance("abc", "")).toBe(3);
    expect(editDistance("", "ab")).toBe(2);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("c1-sv4", "c1-sv5")).toBe(1);
    expect(editDistance("flaw", "lawn")).toBe(2);
    expect(editDistance("same", "same")).toBe(0);
  });
});
