import { mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  kubeconfigStem,
  type SkippedFile,
  scanKubeconfigDir,
} from "../../../src/clusters/discovery/index.js";
import { kubeconfigYaml, makeTempDir, put } from "./helpers.js";

describe("scanKubeconfigDir", () => {
  let dir = "";
  let cleanup: () => Promise<void> = async () => {};
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterEach(async () => {
    await cleanup();
  });

  it("picks .yaml, .yml and .kubeconfig files and names clusters by stem", async () => {
    const text = kubeconfigYaml({ current: "x", contexts: [{ name: "x" }] });
    await put(dir, "c1-sv5.yaml", text);
    await put(dir, "c1-lax1.yml", text);
    await put(dir, "dev.kubeconfig", text);
    await put(dir, "notes.txt", "hello");
    await put(dir, "config.json", "{}");
    await put(dir, "README", "");
    const entries = await scanKubeconfigDir(dir);
    expect(entries.map((e) => e.stem).sort()).toEqual(["c1-lax1", "c1-sv5", "dev"]);
    const sv5 = entries.find((e) => e.stem === "c1-sv5");
    expect(sv5?.path).toBe(join(dir, "c1-sv5.yaml"));
    expect(sv5?.size).toBe(Buffer.byteLength(text));
    expect(sv5?.mtimeMs).toBeGreaterThan(0);
  });

  it("skips dotfiles, temp files, backups and directories", async () => {
    await put(dir, ".hidden.yaml", "x");
    await put(dir, "c1.yaml.tmp", "x");
    await put(dir, "c1.tmp", "x");
    await put(dir, "c1.yaml~", "x");
    await put(dir, ".yaml", "x");
    await mkdir(join(dir, "subdir.yaml"));
    await put(dir, "real.yaml", "x");
    const entries = await scanKubeconfigDir(dir);
    expect(entries.map((e) => e.stem)).toEqual(["real"]);
  });

  it("follows symlinks to files and ignores dangling ones", async () => {
    const target = await put(dir, "target.txt", "x");
    await symlink(target, join(dir, "linked.yaml"));
    await symlink(join(dir, "nowhere"), join(dir, "dangling.yaml"));
    const entries = await scanKubeconfigDir(dir);
    expect(entries.map((e) => e.stem)).toEqual(["linked"]);
    expect(entries[0]?.size).toBe(1);
  });

  it("keeps both files when two share a stem", async () => {
    await put(dir, "a.yaml", "x");
    await put(dir, "a.yml", "xy");
    const entries = await scanKubeconfigDir(dir);
    expect(entries.map((e) => e.path)).toEqual([join(dir, "a.yaml"), join(dir, "a.yml")]);
  });

  it("scans 1000 files quickly", async () => {
    await Promise.all(Array.from({ length: 1000 }, (_, i) => put(dir, `cluster-${i}.yaml`, "x")));
    await put(dir, "ignored.txt", "x");
    await scanKubeconfigDir(dir); // warm up
    const start = performance.now();
    const entries = await scanKubeconfigDir(dir);
    const elapsed = performance.now() - start;
    expect(entries).toHaveLength(1000);
    expect(elapsed).toBeLessThan(200);
  });

  it("rejects a missing directory with a message naming it", async () => {
    const missing = join(dir, "does-not-exist");
    await expect(scanKubeconfigDir(missing)).rejects.toThrow(`${missing} does not exist`);
  });

  it("reports ~/.kube's shape (config without extension, cache/ directory), not the server's own files", async () => {
    await put(dir, "config", "apiVersion: v1");
    await mkdir(join(dir, "cache"));
    await symlink(join(dir, "nowhere.yaml"), join(dir, "dangling.yaml"));
    await put(dir, ".k8s-mcp-refresh.json", "{}");
    await put(dir, "c1.yaml.tmp", "x");
    await put(dir, "c1.yaml~", "x");
    await put(dir, "real.yaml", "x");
    const skipped: SkippedFile[] = [];
    const entries = await scanKubeconfigDir(dir, skipped);
    expect(entries.map((e) => e.stem)).toEqual(["real"]);
    const byFile = new Map(skipped.map((s) => [s.file, s]));
    expect([...byFile.keys()].sort()).toEqual(
      [join(dir, "cache"), join(dir, "config"), join(dir, "dangling.yaml")].sort(),
    );
    expect(byFile.get(join(dir, "config"))).toMatchObject({
      reason: "has no .yaml, .yml or .kubeconfig extension",
      fix: expect.stringContaining(`--kubeconfig ${join(dir, "config")}`),
    });
    expect(byFile.get(join(dir, "cache"))?.fix).toContain(`--kubeconfig-dir ${join(dir, "cache")}`);
    expect(byFile.get(join(dir, "dangling.yaml"))?.reason).toBe("is a symlink to a missing file");
  });

  it("rejects a path that is a file", async () => {
    const file = await put(dir, "file.yaml", "x");
    await expect(scanKubeconfigDir(file)).rejects.toThrow(/not a directory/);
  });
});

describe("kubeconfigStem", () => {
  it("splits known extensions and rejects the rest", () => {
    expect(kubeconfigStem("a.b.yaml")).toEqual({ stem: "a.b", ext: ".yaml" });
    expect(kubeconfigStem("a.kubeconfig")).toEqual({ stem: "a", ext: ".kubeconfig" });
    expect(kubeconfigStem("a.YAML")).toBeUndefined();
    expect(kubeconfigStem(".a.yaml")).toBeUndefined();
  });
});
