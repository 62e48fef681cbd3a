// The one resolver for cluster addresses, on a hand-built index: forms, aliases, rules with and without `/`.
import { describe, expect, it } from "vitest";
import { AddressBook, type AddressRules } from "../../../src/clusters/addresses.js";
import { buildClusterIndex } from "../../../src/clusters/discovery/registry.js";

const EKS = "arn:aws:eks:eu-west-1:123456789012:cluster/prod";

function book(rules: Partial<AddressRules>): AddressBook {
  const b = new AddressBook({ aliases: new Map(), patterns: [], excludes: [], readOnly: [], ...rules });
  const dirEntries = [
    { stem: "c1-sv5", path: "/k/c1-sv5.yaml", mtimeMs: 1, size: 1, fileId: "1:1" },
    {
      stem: "c1-link",
      path: "/k/c1-link.yaml",
      mtimeMs: 1,
      size: 1,
      fileId: "1:2",
      linkTarget: "iad0-sandbox",
    },
    { stem: "legacy-x", path: "/k/legacy-x.yaml", mtimeMs: 1, size: 1, fileId: "1:3" },
  ];
  const classic = {
    contexts: [{ name: EKS, cluster: "c", user: "u", file: "/k/config" }],
    missing: [],
    problems: [],
  };
  b.setIndex(buildClusterIndex({ dirEntries, classic, filter: b.filter }));
  return b;
}

describe("AddressBook", () => {
  it("resolves every form to one canonical name, and namesOf gives them all back", () => {
    const b = book({
      aliases: new Map([
        ["prod", "c1-sv5"],
        ["fqdn", "c1-sv5/c1-sv5-fqdn"],
        ["eks", EKS],
      ]),
    });
    const ok = (input: string) => {
      const r = b.resolve(input);
      return r.ok ? r.canonical : r.message;
    };
    expect(ok("c1-sv5")).toBe("c1-sv5");
    expect(ok(" prod ")).toBe("c1-sv5");
    expect(ok("c1-sv5/c1-sv5-fqdn")).toBe("c1-sv5/c1-sv5-fqdn");
    expect(ok("prod/c1-sv5-fqdn")).toBe("c1-sv5/c1-sv5-fqdn");
    expect(ok("fqdn")).toBe("c1-sv5/c1-sv5-fqdn");
    expect(ok(EKS)).toBe(EKS); // a classic name with a `/` is a name, not a context address
    expect(ok("eks")).toBe(EKS);
    expect(b.namesOf("c1-sv5/c1-sv5-fqdn").sort()).toEqual(["c1-sv5", "c1-sv5/c1-sv5-fqdn", "fqdn", "prod"]);
    expect(b.namesOf("c1-link")).toContain("iad0-sandbox");
  });

  it("applies excludes to every form: symlink targets, aliases, `<file>/<context>` entries", () => {
    const b = book({
      excludes: ["iad0-*", "legacy", "c1-sv5/old", "*/*-fqdn"],
      aliases: new Map([
        ["legacy", "legacy-x"],
        ["retired", "c1-sv5/retired"],
      ]),
    });
    expect(b.names().sort()).toEqual([EKS, "c1-sv5"]); // c1-link (target iad0-sandbox) and legacy-x (alias) hidden
    expect(b.resolve("c1-sv5/old").ok).toBe(false);
    expect(b.resolve("c1-sv5/c1-sv5-fqdn").ok).toBe(false);
    expect(b.resolve("c1-sv5/other").ok).toBe(true);
    expect(b.resolve("legacy").ok).toBe(false);
    const r = b.resolve("c1-link");
    expect(r.ok ? "" : r.message).toMatch(/^unknown cluster 'c1-link'/);
  });

  it("does not let plain globs hide single contexts, and matches read_only on every form", () => {
    const b = book({
      excludes: ["*-fqdn"],
      readOnly: ["prod", "c1-sv5/ro"],
      aliases: new Map([["prod", "c1-link"]]),
    });
    expect(b.resolve("c1-sv5/c1-sv5-fqdn").ok).toBe(true); // `*-fqdn` names clusters, not contexts
    expect(b.readOnlyByName("c1-link")).toBe(true);
    expect(b.readOnlyByName("c1-link/any")).toBe(true);
    expect(b.readOnlyByName("c1-sv5")).toBe(false);
    expect(b.readOnlyByName("c1-sv5/ro")).toBe(true);
  });

  it("treats prototype names as unknown", () => {
    const b = book({});
    for (const name of [
      "__proto__",
      "constructor",
      "toString",
      "hasOwnProperty",
      "constructor/x",
      "__proto__/y",
    ]) {
      const r = b.resolve(name);
      expect(r.ok, name).toBe(false);
      expect(r.ok ? "" : r.message).toMatch(/^unknown cluster/);
    }
  });
});
