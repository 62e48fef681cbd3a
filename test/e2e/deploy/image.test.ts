// The OCI image from `npm run image`: reproducible (two builds, one digest), a non-root user, and its root filesystem,
// unpacked and mounted read-only, starts the server, which answers tools/list and a real call on a real cluster.
import { chown, cp, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  type BuiltImage,
  buildImage,
  type ImageConfig,
  startInImage,
  unpackImage,
} from "../../helpers/image.js";
import { INITIALIZE_PARAMS } from "../../helpers/stdio-process.js";

const fleet = inject("controlplane");

async function walk(dir: string, out: string[] = []): Promise<string[]> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    out.push(p);
    if (e.isDirectory()) await walk(p, out);
  }
  return out;
}

describe("the OCI image (npm run image)", () => {
  let out: string;
  let first: BuiltImage;
  let second: BuiltImage;
  let root: string;
  let config: ImageConfig;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), "k8s-mcp-img-"));
    first = await buildImage(join(out, "a"));
    second = await buildImage(join(out, "b"));
    ({ root, config } = await unpackImage(first.file));
  }, 1_800_000);
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
    if (root) await rm(join(root, ".."), { recursive: true, force: true });
  });

  it("is reproducible: two builds write the same bytes and digest", async () => {
    expect(second.digest).toBe(first.digest);
    expect((await readFile(second.file)).equals(await readFile(first.file))).toBe(true);
    expect(first.file).toMatch(/k8s-mcp-\d+\.\d+\.\d+.*-oci\.tar$/);
    process.stderr.write(
      `[image] ${first.digest}: ${first.compressedBytes} bytes compressed, ${first.unpackedBytes} unpacked\n`,
    );
  });

  it("runs k8s-mcp as a non-root user, and nothing in it is writable by that user or setuid", async () => {
    expect(config.config.User).toBe("65532:65532");
    expect(config.config.Entrypoint).toEqual(["/usr/local/bin/k8s-mcp"]);
    expect(config.os).toBe("linux");
    for (const p of await walk(root)) {
      const s = await stat(p).catch(() => undefined); // dangling inside the host view: symlinks to /opt/...
      if (!s) continue;
      expect(s.mode & 0o6000, `${p} is setuid/setgid`).toBe(0);
      if (p === join(root, "home/k8s-mcp")) expect(s.uid).toBe(65532);
      else expect(s.uid, `${p} owner`).toBe(0);
    }
  });

  it("starts from its read-only root filesystem and answers tools/list and a real call", {
    timeout: 180_000,
  }, async () => {
    // The kubeconfig directory as a pod gets it from a Secret: readable by the image's user, nobody else.
    const kube = join(out, "kube");
    await cp(fleet.kubeconfigDir, kube, { recursive: true });
    for (const f of [kube, ...(await walk(kube))]) await chown(f, 65532, 65532);
    const started = performance.now();
    const server = startInImage(root, config, ["--kubeconfig-dir", "/kube"], { "/kube": kube });
    try {
      await server.request("initialize", INITIALIZE_PARAMS, 60_000);
      server.notify("notifications/initialized");
      const list = await server.request("tools/list", {}, 60_000);
      const ms = Math.round(performance.now() - started);
      process.stderr.write(`[image] spawn -> tools/list answered: ${ms} ms\n`);
      const tools = (list.result as { tools: Array<{ name: string }> }).tools.map((t) => t.name);
      expect(tools).toContain("namespaces_list");
      const cluster = fleet.clusters[0]?.name ?? "";
      const call = await server.request(
        "tools/call",
        { name: "namespaces_list", arguments: { cluster } },
        60_000,
      );
      const result = call.result as { isError?: boolean; content: Array<{ text: string }> };
      expect(result.isError ?? false, `${server.stderr()} ${JSON.stringify(result)}`).toBe(false);
      expect(result.content[0]?.text).toContain("kube-system");
      // Nothing but JSON-RPC on stdout.
      for (const line of server.stdoutLines) expect(() => JSON.parse(line)).not.toThrow();
    } finally {
      server.child.stdin?.end();
      await server.exited;
    }
    // The root filesystem was read-only: the server wrote nothing (its compile cache would have gone to $HOME).
    expect(await readdir(join(root, "home/k8s-mcp"))).toEqual([]);
  });
});
