// Parsing `nsk cluster list` output in its plausible shapes.
import { describe, expect, it } from "vitest";
import { parseClusterList } from "../../../src/rancher/nsk-list.js";

describe("parseClusterList", () => {
  it("reads a table with a header", () => {
    const out = "NAME      STATE    PROVIDER\nc1-sv5    active   rke2\nc1-lax1   updating rke2\n\n";
    expect(parseClusterList(out)).toEqual([
      { name: "c1-sv5", state: "active" },
      { name: "c1-lax1", state: "updating" },
    ]);
  });

  it("reads plain names and bordered tables", () => {
    expect(parseClusterList("a\nb\na\n").map((c) => c.name)).toEqual(["a", "b"]);
    const bordered =
      "+------+--------+\n| NAME | STATE  |\n+------+--------+\n| x    | active |\n+------+--------+";
    expect(parseClusterList(bordered).map((c) => c.name)).toEqual(["x"]);
  });

  it("reads JSON arrays and Rancher-style collections", () => {
    expect(parseClusterList('["a","b"]').map((c) => c.name)).toEqual(["a", "b"]);
    expect(parseClusterList('{"data":[{"id":"c-1","name":"a","state":"active"}]}')).toEqual([
      { name: "a", id: "c-1", state: "active" },
    ]);
    expect(parseClusterList('{"clusters":[{"name":"z"}]}').map((c) => c.name)).toEqual(["z"]);
  });

  it("returns nothing for empty output", () => {
    expect(parseClusterList("")).toEqual([]);
  });
});
