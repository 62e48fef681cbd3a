// The one kubeconfig reader: versions are keyed on content; stat data skips a read only when it proves no change.
import { mkdtemp, rename, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  KubeconfigStore,
  provesUnchanged,
  RACY_TICK_MS,
  type Seen,
} from "../../../src/clusters/kubeconfig-store.js";

const doc = (server: string, pad = "") =>
  `apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: "${server}"}\nusers:\n- name: u\n  user: {token: t}\n${pad}`;

describe("provesUnchanged", () => {
  const base = (over: Partial<Seen> = {}): Seen => ({
    identity: "id",
    readStartMs: 100_000,
    mtimeMs: 100_000 - RACY_TICK_MS - 1,
    ctimeMs: 100_000 - RACY_TICK_MS - 1,
    version: { file: "f", key: "k", text: "", doc: undefined },
    ...over,
  });
  it("trusts identical stat data of a file settled before the read", () => {
    expect(provesUnchanged(base(), "id")).toBe(true);
  });
  it("never trusts a changed identity, an unknown file, or a file modified within a tick of the read", () => {
    expect(provesUnchanged(base(), "other")).toBe(false);
    expect(provesUnchanged(undefined, "id")).toBe(false);
    expect(provesUnchanged(base({ mtimeMs: 100_000 - RACY_TICK_MS }), "id")).toBe(false);
    expect(provesUnchanged(base({ ctimeMs: 99_999 }), "id")).toBe(false);
  });
});

describe("KubeconfigStore", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "k8s-mcp-store-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("sees a same-size rewrite with the same mtime (one tick), and keeps one parse per content", async () => {
    const file = join(dir, "a.yaml");
    const when = new Date();
    await writeFile(file, doc("https://one.example:6443"));
    await utimes(file, when, when);
    const store = new KubeconfigStore();
    const first = await store.read(file);
    expect(first.doc).toMatchObject({ clusters: [{ cluster: { server: "https://one.example:6443" } }] });
    await writeFile(file, doc("https://two.example:6443"));
    await utimes(file, when, when);
    const second = await store.read(file);
    expect(second.key).not.toBe(first.key);
    expect(second.doc).toMatchObject({ clusters: [{ cluster: { server: "https://two.example:6443" } }] });
    expect(Object.isFrozen(second.doc)).toBe(true);
    expect(await store.read(file)).toBe(second); // same content: the same version object, not a new parse
  });

  it("follows a symlink repointed at a file with the same mtime, and an atomic rename", async () => {
    const old = new Date(Date.now() - 3_600_000);
    const [a, b, link] = ["t-a.yaml", "t-b.yaml", "current.yaml"].map((f) => join(dir, f));
    await writeFile(a!, doc("https://a.example:6443"));
    await writeFile(b!, doc("https://b.example:6443"));
    await utimes(a!, old, old);
    await utimes(b!, old, old);
    await symlink(a!, link!);
    const store = new KubeconfigStore();
    expect((await store.read(link!)).text).toContain("a.example");
    await symlink(b!, `${link}.tmp`);
    await rename(`${link}.tmp`, link!);
    expect((await store.read(link!)).text).toContain("b.example");
    const next = join(dir, "next.tmp");
    await writeFile(next, doc("https://c.example:6443"));
    await utimes(next, old, old);
    await rename(next, b!); // the link's target replaced by rename
    expect((await store.read(link!)).text).toContain("c.example");
  });

  it("reports a parse error with line and column, never the content", async () => {
    const file = join(dir, "bad.yaml");
    await writeFile(file, 'users:\n- name: u\n  user: {token: "s3cret-value\n');
    const v = await new KubeconfigStore().read(file);
    expect(v.doc).toBeUndefined();
    expect(v.error).toMatch(/invalid YAML at line \d+, column \d+/);
    expect(v.error).not.toContain("s3cret");
  });
});
