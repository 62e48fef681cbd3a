import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  buildClusterIndex,
  type ClassicResult,
  compileClusterFilter,
  loadClassicKubeconfig,
  scanKubeconfigDir,
  splitContextAddress,
} from "../../../src/clusters/discovery/index.js";
import { kubeconfigYaml, makeTempDir, put } from "./helpers.js";

const read = (p: string): Promise<string> => readFile(p, "utf8");
const all = (): boolean => true;
const one = (name: string): string => kubeconfigYaml({ current: name, contexts: [{ name }] });

describe("buildClusterIndex", () => {
  let dir = "";
  let cleanup: () => Promise<void> = async () => {};
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterEach(async () => {
    await cleanup();
  });

  it("indexes directory files by stem and classic contexts by name", async () => {
    const kubeDir = join(dir, "clusters");
    await mkdir(kubeDir);
    await put(kubeDir, "c1-sv5.yaml", one("c1-sv5"));
    await put(kubeDir, "c1-lax1.yml", one("c1-lax1"));
    const classicFile = await put(dir, "config", kubeconfigYaml({ contexts: [{ name: "kind-dev" }] }));
    const index = buildClusterIndex({
      dirEntries: await scanKubeconfigDir(kubeDir),
      classic: await loadClassicKubeconfig([classicFile], read),
      filter: all,
    });
    expect([...index.clusters.keys()]).toEqual(["c1-lax1", "c1-sv5", "kind-dev"]);
    expect(index.clusters.get("c1-sv5")).toMatchObject({ kind: "dir", file: join(kubeDir, "c1-sv5.yaml") });
    expect(index.clusters.get("kind-dev")).toEqual({
      kind: "classic",
      name: "kind-dev",
      file: classicFile,
      context: "kind-dev",
    });
    expect(index.problems).toEqual([]);
    expect(index.hidden).toBe(0);
  });

  it("reports a .yaml/.yml collision and prefers .yaml", async () => {
    await put(dir, "a.kubeconfig", one("a"));
    await put(dir, "a.yml", one("a"));
    await put(dir, "a.yaml", one("a"));
    const index = buildClusterIndex({ dirEntries: await scanKubeconfigDir(dir), filter: all });
    expect(index.clusters.get("a")).toMatchObject({ kind: "dir", file: join(dir, "a.yaml") });
    expect(index.problems).toHaveLength(1);
    const problem = index.problems[0];
    expect(problem?.kind).toBe("collision");
    expect(problem?.cluster).toBe("a");
    expect(problem?.message).toContain(join(dir, "a.yaml"));
    expect(problem?.message).toContain(join(dir, "a.yml"));
    expect(problem?.message).toContain(join(dir, "a.kubeconfig"));
  });

  it("reports a directory/classic collision and prefers the directory", async () => {
    const dirFile = await put(dir, "shared.yaml", one("shared"));
    const classicFile = join(dir, "classic-config");
    const classic: ClassicResult = {
      contexts: [{ name: "shared", cluster: "x", user: "u", file: classicFile }],
      missing: [],
      problems: [],
    };
    const index = buildClusterIndex({ dirEntries: await scanKubeconfigDir(dir), classic, filter: all });
    expect(index.clusters.get("shared")).toMatchObject({ kind: "dir", file: dirFile });
    expect(index.problems.map((p) => p.kind)).toEqual(["collision"]);
    expect(index.problems[0]?.message).toContain(dirFile);
    expect(index.problems[0]?.message).toContain(classicFile);
  });

  it("passes classic problems through", () => {
    const classic: ClassicResult = {
      contexts: [],
      missing: [],
      problems: [{ kind: "malformed", message: "x: invalid YAML at line 1, column 1", file: "x" }],
    };
    const index = buildClusterIndex({ dirEntries: [], classic, filter: all });
    expect(index.problems).toEqual(classic.problems);
  });

  it("hides filtered clusters completely, even when they collide", async () => {
    await put(dir, "c1-sv5.yaml", one("c1-sv5"));
    await put(dir, "legacy-old.yaml", one("legacy-old"));
    await put(dir, "legacy-old.yml", one("legacy-old"));
    await put(dir, "deprecated-test.yaml", one("deprecated-test"));
    await put(dir, "staging-1.yaml", one("staging-1"));
    const classic: ClassicResult = {
      contexts: [
        { name: "deprecated-test", cluster: "d", user: "u", file: "/kube/config" },
        { name: "c1-lax1", cluster: "l", user: "u", file: "/kube/config" },
      ],
      missing: [],
      problems: [],
    };
    const filter = compileClusterFilter({
      patterns: ["^c1-.*|^legacy-|^deprecated"],
      excludes: ["legacy-*", "deprecated-test"],
    });
    const index = buildClusterIndex({ dirEntries: await scanKubeconfigDir(dir), classic, filter });
    expect([...index.clusters.keys()]).toEqual(["c1-lax1", "c1-sv5"]);
    expect(index.hidden).toBe(3);
    const everything = JSON.stringify(index.problems);
    for (const secret of ["legacy-old", "deprecated-test", "staging-1"])
      expect(everything).not.toContain(secret);
    expect(index.problems).toEqual([]);
  });
});

describe("splitContextAddress", () => {
  it("splits on the first slash", () => {
    expect(splitContextAddress("c1-sv5")).toEqual({ stem: "c1-sv5" });
    expect(splitContextAddress("c1-sv5/c1-sv5-fqdn")).toEqual({ stem: "c1-sv5", context: "c1-sv5-fqdn" });
    expect(splitContextAddress("a/b/c")).toEqual({ stem: "a", context: "b/c" });
  });
});
