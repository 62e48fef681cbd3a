// Atomic writes: content and mode, no leftovers, failures leave the previous file, temp names are invisible.
import { mkdir, mkdtemp, readdir, readFile, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kubeconfigStem, scanKubeconfigDir } from "../../../src/clusters/discovery/index.js";
import { isTempName, removeStaleTemps, TEMP_PREFIX, writeFileAtomic } from "../../../src/rancher/atomic.js";

const dir = (): Promise<string> => mkdtemp(join(tmpdir(), "atomic-"));

describe("writeFileAtomic", () => {
  it("replaces the content with mode 0600 and leaves no temp file", async () => {
    const d = await dir();
    const path = join(d, "c1.yaml");
    await writeFile(path, "old", { mode: 0o644 });
    await writeFileAtomic(path, "new content");
    expect(await readFile(path, "utf8")).toBe("new content");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(d)).toEqual(["c1.yaml"]);
  });

  it("leaves the previous file intact and removes its temp file when the write fails", async () => {
    const d = await dir();
    const target = join(d, "c1.yaml");
    await mkdir(target); // rename onto a directory fails after the temp file was fully written
    await writeFile(join(target, "keep"), "x");
    await expect(writeFileAtomic(target, "new")).rejects.toThrow();
    expect(await readdir(d)).toEqual(["c1.yaml"]);
    expect(await readFile(join(target, "keep"), "utf8")).toBe("x");
  });

  it("never yields a half-written file to concurrent readers", async () => {
    const d = await dir();
    const path = join(d, "c1.yaml");
    const a = "a".repeat(1 << 20);
    const b = "b".repeat(1 << 20);
    await writeFileAtomic(path, a);
    const writes = Array.from({ length: 10 }, (_, i) => writeFileAtomic(path, i % 2 ? a : b));
    const reads: string[] = [];
    for (let i = 0; i < 20; i++) reads.push(await readFile(path, "utf8"));
    await Promise.all(writes);
    for (const r of reads) expect(r === a || r === b).toBe(true);
    expect(await readdir(d)).toEqual(["c1.yaml"]);
  });
});

describe("temp files", () => {
  it("are never counted as clusters by the directory scan", async () => {
    const d = await dir();
    const temp = `${TEMP_PREFIX}c1.yaml.123.abcd.tmp`;
    expect(isTempName(temp)).toBe(true);
    expect(kubeconfigStem(temp)).toBeUndefined();
    await writeFile(join(d, temp), "partial");
    await writeFile(join(d, "c1.yaml"), "apiVersion: v1");
    expect((await scanKubeconfigDir(d)).map((e) => e.stem)).toEqual(["c1"]);
  });

  it("are removed once older than the threshold, and only ours", async () => {
    const d = await dir();
    const ours = `${TEMP_PREFIX}c1.yaml.1.aaaa.tmp`;
    const fresh = `${TEMP_PREFIX}c2.yaml.1.bbbb.tmp`;
    await writeFile(join(d, ours), "x");
    await writeFile(join(d, fresh), "x");
    await writeFile(join(d, ".other.tmp"), "x");
    const old = new Date(Date.now() - 3_600_000);
    await utimes(join(d, ours), old, old);
    await utimes(join(d, ".other.tmp"), old, old);
    expect(await removeStaleTemps(d, 60_000)).toBe(1);
    expect((await readdir(d)).sort()).toEqual([".other.tmp", fresh].sort());
  });
});
