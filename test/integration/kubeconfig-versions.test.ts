// A changed kubeconfig file reaches the new API server on the next call, however it changed: a symlink repointed
// at a file with the same mtime, `cp -p` over it, two rewrites within one timestamp tick, an atomic rename.
import { copyFile, mkdtemp, readFile, rename, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freshNamespace } from "../helpers/cluster-api.js";
import { resultText, startTestServer, type TestServer } from "../helpers/mcp.js";

const cp = inject("controlplane");
const [sv5, lax1] = cp.clusters;

describe("kubeconfig versions are keyed on content", () => {
  let dir: string;
  let store: string;
  let ts: TestServer;
  let texts: { sv5: string; lax1: string };
  const marks = { sv5: "", lax1: "" };
  const when = new Date(Date.now() - 3_600_000);

  // Which cluster a call reached: each has a namespace only it holds.
  async function reached(cluster: string): Promise<"sv5" | "lax1"> {
    const r = await ts.call("namespaces_list", { cluster });
    const text = resultText(r);
    expect(r.isError, text).toBeFalsy();
    const hits = (["sv5", "lax1"] as const).filter((k) => text.includes(marks[k]));
    expect(hits).toHaveLength(1);
    return hits[0]!;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "k8s-mcp-versions-"));
    store = await mkdtemp(join(tmpdir(), "k8s-mcp-versions-store-"));
    marks.sv5 = await freshNamespace(sv5!, "only-sv5");
    marks.lax1 = await freshNamespace(lax1!, "only-lax1");
    // Both kubeconfigs padded to one size, so only the bytes tell them apart.
    const [a, b] = await Promise.all([readFile(sv5!.kubeconfig, "utf8"), readFile(lax1!.kubeconfig, "utf8")]);
    const size = Math.max(a.length, b.length) + 2;
    const pad = (t: string) =>
      `${t}${t.endsWith("\n") ? "" : "\n"}#${"x".repeat(size - t.length - 2)}\n`.slice(0, size);
    texts = { sv5: pad(a), lax1: pad(b) };
    expect(Buffer.byteLength(texts.sv5)).toBe(Buffer.byteLength(texts.lax1));
    for (const k of ["sv5", "lax1"] as const) {
      await writeFile(join(store, `${k}.yaml`), texts[k], { mode: 0o600 });
      await utimes(join(store, `${k}.yaml`), when, when);
    }
    await symlink(join(store, "sv5.yaml"), join(dir, "current.yaml"));
    for (const f of ["cpp", "tick", "renamed"]) {
      await writeFile(join(dir, `${f}.yaml`), texts.sv5, { mode: 0o600 });
      await utimes(join(dir, `${f}.yaml`), when, when);
    }
    ts = await startTestServer({ kubeconfig_dir: dir, auto_discovery: false });
  });
  afterAll(async () => {
    await ts?.close();
    await rm(dir, { recursive: true, force: true });
    await rm(store, { recursive: true, force: true });
  });

  it("follows a symlink repointed (ln -sfn) at a file with the same mtime and size", async () => {
    expect(await reached("current")).toBe("sv5");
    await symlink(join(store, "lax1.yaml"), join(dir, "current.tmp"));
    await rename(join(dir, "current.tmp"), join(dir, "current.yaml"));
    expect(await reached("current")).toBe("lax1");
    const view = resultText(await ts.call("configuration_view", { cluster: "current" }));
    expect(view).toContain(lax1!.server);
  });

  it("sees `cp -p` over the file (same inode, mtime and size; new bytes)", async () => {
    const file = join(dir, "cpp.yaml");
    expect(await reached("cpp")).toBe("sv5");
    const inode = (await stat(file)).ino;
    await copyFile(join(store, "lax1.yaml"), file);
    await utimes(file, when, when);
    expect((await stat(file)).ino).toBe(inode);
    expect(await reached("cpp")).toBe("lax1");
  });

  it("sees rewrites within one timestamp tick, back to back", async () => {
    const file = join(dir, "tick.yaml");
    for (const k of ["lax1", "sv5", "lax1", "sv5"] as const) {
      await writeFile(file, texts[k]);
      expect(await reached("tick")).toBe(k);
    }
  });

  it("sees an atomic rename over the file with the old mtime", async () => {
    const file = join(dir, "renamed.yaml");
    expect(await reached("renamed")).toBe("sv5");
    await writeFile(`${file}.tmp`, texts.lax1, { mode: 0o600 });
    await utimes(`${file}.tmp`, when, when);
    await rename(`${file}.tmp`, file);
    expect(await reached("renamed")).toBe("lax1");
    expect(await reached("renamed")).toBe("lax1"); // and stays there
  });
});
