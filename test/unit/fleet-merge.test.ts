// The merged table of a list fan-out: CLUSTER column, identical pages grouped, fair shares, counts, tokens.
import { describe, expect, it } from "vitest";
import { type MergeLeg, mergeLists } from "../../src/fleet/merge.js";

const page = (names: string[], cont: string | null = null): MergeLeg["list"] => ({
  columns: ["name", "status"],
  items: names.map((name) => ({ name, status: "Running" })),
  continue: cont,
});
const pods = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-pod-${i}`);

describe("mergeLists", () => {
  it("puts every cluster's rows under a CLUSTER column", () => {
    const m = mergeLists(
      [
        { cluster: "a", status: "ok", list: page(["web-1", "web-2"]) },
        { cluster: "b", status: "ok", list: page(["db-1"]) },
      ],
      10_000,
    );
    expect(m.text.split("\n")).toEqual([
      "CLUSTER   NAME    STATUS",
      "a         web-1   Running",
      "a         web-2   Running",
      "b         db-1    Running",
    ]);
    expect(m.rowsShown).toBe(3);
    expect(m.clusters.map((c) => [c.cluster, c.rows, c.shown])).toEqual([
      ["a", 2, 2],
      ["b", 1, 1],
    ]);
  });

  it("shows identical results once, labelled and listed", () => {
    const legs = ["c1", "c2", "c3"].map((cluster) => ({
      cluster,
      status: "ok",
      list: page(["default", "kube-system"]),
    }));
    const m = mergeLists([...legs, { cluster: "odd", status: "ok", list: page(["default"]) }], 10_000);
    expect(m.text).toContain("c1 (+2)   default");
    expect(m.text).toContain("c1 (+2) = c1, c2, c3");
    expect(m.text.match(/kube-system/g)).toHaveLength(1);
    expect(m.clusters.find((c) => c.cluster === "c3")).toMatchObject({ sameAs: "c1", shown: 2 });
    expect(m.rowsShown).toBe(7);
  });

  it("groups pages that differ only in AGE (the same objects read a second apart)", () => {
    const aged = (age: string): MergeLeg["list"] => ({
      columns: ["name", "age"],
      items: [{ name: "x", age }],
      continue: null,
    });
    const m = mergeLists(
      [
        { cluster: "a", status: "ok", list: aged("5s") },
        { cluster: "b", status: "ok", list: aged("6s") },
        {
          cluster: "c",
          status: "ok",
          list: { columns: ["name", "age"], items: [{ name: "y", age: "5s" }], continue: null },
        },
      ],
      10_000,
    );
    expect(m.clusters.map((c) => c.sameAs ?? "-")).toEqual(["-", "a", "-"]);
  });

  it("shares the budget fairly, counts what does not fit and keeps every continue token", () => {
    const legs: MergeLeg[] = [
      { cluster: "big", status: "ok", list: page(pods("big", 400), "tok-big") },
      { cluster: "mid", status: "ok", list: page(pods("mid", 60)) },
      { cluster: "small", status: "ok", list: page(pods("small", 2)) },
      { cluster: "down", status: "error", error: "connection refused\nat 10.0.0.1" },
    ];
    const budget = 4_000;
    const m = mergeLists(legs, budget);
    expect(Buffer.byteLength(m.text)).toBeLessThanOrEqual(budget);
    const shown = Object.fromEntries(m.clusters.map((c) => [c.cluster, c.shown]));
    expect(shown.small).toBe(2); // a small cluster keeps all its rows
    expect(shown.big).toBeGreaterThan(10);
    expect(Math.abs((shown.big ?? 0) - (shown.mid ?? 0))).toBeLessThanOrEqual(1); // the rest is split evenly
    expect(m.text).toContain(`big: ${shown.big} of 400 rows shown, more pages`);
    expect(m.text).toContain(`mid: ${shown.mid} of 60 rows shown`);
    expect(m.text).toContain("down: error (connection refused at 10.0.0.1)");
    expect(m.clusters.find((c) => c.cluster === "big")?.continue).toBe("tok-big");
    expect(m.rowsTotal).toBe(462);
  });

  it("keeps every one of 120 clusters visible within 32 KiB", () => {
    const legs: MergeLeg[] = Array.from({ length: 120 }, (_, i) => ({
      cluster: `c${i}`,
      status: "ok",
      list: page(pods(`c${i}`, 50), `token-${i}`),
    }));
    const m = mergeLists(legs, 32 * 1024);
    expect(Buffer.byteLength(m.text)).toBeLessThanOrEqual(32 * 1024);
    for (let i = 0; i < 120; i++) expect(m.text).toMatch(new RegExp(`^c${i}\\b`, "m"));
    expect(m.clusters.every((c) => c.shown >= 1 && c.continue === `token-${c.cluster.slice(1)}`)).toBe(true);
  });
});
