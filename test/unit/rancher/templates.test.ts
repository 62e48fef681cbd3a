// nsk argument templates: placeholders, optional groups, validation, exact-name patterns.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_LIST_ARGS,
  DEFAULT_REFRESH_ARGS,
  exactNamesPattern,
  expandArgs,
  templateProblems,
} from "../../../src/rancher/templates.js";

describe("expandArgs", () => {
  it("expands the default refresh command with every value set", () => {
    expect(
      expandArgs(DEFAULT_REFRESH_ARGS, { config_dir: "/etc/k", profile: "prod", cluster_pattern: "^c1-.*" }),
    ).toEqual([
      "cluster",
      "kubeconfig",
      "--confdir",
      "/etc/k",
      "--profile",
      "prod",
      "--name-pattern",
      "^c1-.*",
    ]);
  });

  it("drops optional groups whose value is empty or unset", () => {
    expect(expandArgs(DEFAULT_REFRESH_ARGS, { config_dir: "/d", cluster_pattern: "" })).toEqual([
      "cluster",
      "kubeconfig",
      "--confdir",
      "/d",
    ]);
    expect(expandArgs(DEFAULT_LIST_ARGS, { config_dir: "/d" })).toEqual(["cluster", "list"]);
  });

  it("keeps a value with spaces as one argument and substitutes inside words", () => {
    expect(
      expandArgs(["--confdir={config_dir}", "[-p {profile}]"], { config_dir: "/a b", profile: "x y" }),
    ).toEqual(["--confdir=/a b", "-p", "x y"]);
  });

  it("accepts {pattern} as an alias of {cluster_pattern}", () => {
    expect(expandArgs(["[--name-pattern {pattern}]"], { config_dir: "/d", cluster_pattern: "^a$" })).toEqual([
      "--name-pattern",
      "^a$",
    ]);
  });

  it("refuses a required placeholder without a value, naming it", () => {
    expect(() => expandArgs(["--profile", "{profile}"], { config_dir: "/d" })).toThrow(
      /needs \{profile\}.*\[ \]/,
    );
  });
});

describe("templateProblems", () => {
  it("finds unknown placeholders and unbalanced groups", () => {
    expect(templateProblems(DEFAULT_REFRESH_ARGS, "nsk.refresh_args")).toEqual([]);
    const problems = templateProblems(["{confdir}", "[--x {profile}"], "nsk.refresh_args");
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/nsk.refresh_args: unknown placeholder \{confdir\}; known: \{config_dir\}/);
    expect(problems[1]).toMatch(/optional group/);
  });
});

describe("exactNamesPattern", () => {
  it("matches exactly the given names and escapes regex characters", () => {
    const re = new RegExp(exactNamesPattern(["c1-sv5", "a.b"]));
    expect(re.test("c1-sv5")).toBe(true);
    expect(re.test("a.b")).toBe(true);
    expect(re.test("axb")).toBe(false);
    expect(re.test("c1-sv5x")).toBe(false);
    expect(re.test("xc1-sv5")).toBe(false);
  });
});
