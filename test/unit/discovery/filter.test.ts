import { describe, expect, it } from "vitest";
import { compileClusterFilter, matchesAnyGlob } from "../../../src/clusters/discovery/index.js";

describe("compileClusterFilter", () => {
  it("applies regex patterns and exact/glob excludes", () => {
    const visible = compileClusterFilter({
      patterns: ["^c1-.*"],
      excludes: ["c1-legacy-*", "c1-deprecated-test"],
    });
    expect(visible("c1-sv5")).toBe(true);
    expect(visible("c1-lax1")).toBe(true);
    expect(visible("c2-sv5")).toBe(false);
    expect(visible("c1-legacy-old")).toBe(false);
    expect(visible("c1-deprecated-test")).toBe(false);
    expect(visible("c1-deprecated-test2")).toBe(true);
  });

  it("handles the proposal's development settings", () => {
    const visible = compileClusterFilter({ patterns: [], excludes: ["legacy-*", "deprecated-test"] });
    expect(visible("dev-cluster")).toBe(true);
    expect(visible("legacy-cluster")).toBe(false);
    expect(visible("legacy-")).toBe(false);
    expect(visible("deprecated-test")).toBe(false);
    expect(visible("my-legacy-cluster")).toBe(true);
  });

  it("requires every pattern to match", () => {
    const visible = compileClusterFilter({ patterns: ["^c1-", "prod$"], excludes: [] });
    expect(visible("c1-prod")).toBe(true);
    expect(visible("c1-dev")).toBe(false);
    expect(visible("c2-prod")).toBe(false);
  });

  it("lets everything through with no patterns and no excludes", () => {
    expect(compileClusterFilter({ patterns: [], excludes: [] })("anything")).toBe(true);
  });

  it("throws for an invalid regex, naming the pattern", () => {
    expect(() => compileClusterFilter({ patterns: ["c1-(sv"], excludes: [] })).toThrow(/'c1-\(sv'/);
  });
});

describe("matchesAnyGlob", () => {
  it("matches whole names with * and ?", () => {
    expect(matchesAnyGlob("prod-eu1", ["prod-*"])).toBe(true);
    expect(matchesAnyGlob("xprod-eu1", ["prod-*"])).toBe(false);
    expect(matchesAnyGlob("c1-sv5", ["c1-sv?"])).toBe(true);
    expect(matchesAnyGlob("c1-sv55", ["c1-sv?"])).toBe(false);
    expect(matchesAnyGlob("c1-sv", ["c1-sv?"])).toBe(false);
    expect(matchesAnyGlob("anything", ["*"])).toBe(true);
    expect(matchesAnyGlob("a", ["b", "a"])).toBe(true);
    expect(matchesAnyGlob("a", [])).toBe(false);
  });

  it("treats regex metacharacters literally", () => {
    expect(matchesAnyGlob("a.b", ["a.b"])).toBe(true);
    expect(matchesAnyGlob("axb", ["a.b"])).toBe(false);
    expect(matchesAnyGlob("axb", ["a.?"])).toBe(false);
    expect(matchesAnyGlob("a+(b)[c]", ["a+(b)[*]"])).toBe(true);
    expect(matchesAnyGlob("a^b$", ["a^?$"])).toBe(true);
    expect(matchesAnyGlob("x/y", ["x/*"])).toBe(true);
  });
});
