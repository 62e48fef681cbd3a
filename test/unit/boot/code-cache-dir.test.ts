// Where the bin keeps its Node 20 code cache, from the environment: Node's own switches first.
import { describe, expect, it } from "vitest";
import { codeCacheDir } from "../../../src/boot/code-cache.js";

describe("codeCacheDir", () => {
  it("is off when NODE_DISABLE_COMPILE_CACHE=1, whatever else is set", () => {
    expect(
      codeCacheDir({ NODE_DISABLE_COMPILE_CACHE: "1", NODE_COMPILE_CACHE: "/c" }, "/home/u"),
    ).toBeUndefined();
  });
  it("lives in a k8s-mcp directory under NODE_COMPILE_CACHE when that is set", () => {
    expect(codeCacheDir({ NODE_COMPILE_CACHE: "/c", XDG_CACHE_HOME: "/x" }, "/home/u")).toBe("/c/k8s-mcp");
  });
  it("otherwise under the user's cache home (XDG_CACHE_HOME, else ~/.cache)", () => {
    expect(codeCacheDir({ XDG_CACHE_HOME: "/x" }, "/home/u")).toBe("/x/k8s-mcp/compile-cache");
    expect(codeCacheDir({}, "/home/u")).toBe("/home/u/.cache/k8s-mcp/compile-cache");
    expect(codeCacheDir({ NODE_DISABLE_COMPILE_CACHE: "0" }, "/home/u")).toBe(
      "/home/u/.cache/k8s-mcp/compile-cache",
    );
  });
  it("is off without any cache home", () => {
    expect(codeCacheDir({}, "")).toBeUndefined();
  });
});
