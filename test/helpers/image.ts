// The OCI image under test: built by scripts/image.mjs, unpacked with the system tar the way a runtime lays out
// layers, and started under chroot on a read-only bind mount of its root filesystem, as its non-root user.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type StdioProcess, spawnStdio } from "./stdio-process.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Why: what `npm run image` reports about the archive it wrote. */
export interface BuiltImage {
  file: string;
  digest: string;
  compressedBytes: number;
  unpackedBytes: number;
}

/** Why: the OCI image config fields the tests assert on. */
export interface ImageConfig {
  architecture: string;
  os: string;
  config: { User: string; Env: string[]; Entrypoint: string[]; WorkingDir: string };
  rootfs: { diff_ids: string[] };
}

/** Why: builds the image archive into `outDir` exactly as `npm run image` does (dist must be built). */
export async function buildImage(outDir: string): Promise<BuiltImage> {
  const { stdout } = await run(process.execPath, [join(ROOT, "scripts/image.mjs"), "--out", outDir], {
    cwd: ROOT,
    timeout: 900_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split("\n").pop() ?? "") as BuiltImage;
}

/** Why: reads the layout (index -> manifest -> config) and extracts every layer in order into a root folder. */
export async function unpackImage(archive: string): Promise<{ root: string; config: ImageConfig }> {
  const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-image-"));
  const layout = join(dir, "layout");
  const root = join(dir, "rootfs");
  await mkdir(layout);
  await mkdir(root);
  await run("tar", ["-xf", archive, "-C", layout]);
  const blob = async <T>(digest: string): Promise<T> =>
    JSON.parse(await readFile(join(layout, "blobs/sha256", digest.slice(7)), "utf8")) as T;
  const index = JSON.parse(await readFile(join(layout, "index.json"), "utf8")) as {
    manifests: Array<{ digest: string }>;
  };
  const manifest = await blob<{ config: { digest: string }; layers: Array<{ digest: string }> }>(
    index.manifests[0]?.digest ?? "",
  );
  for (const layer of manifest.layers) {
    await run("tar", [
      "-xzpf",
      join(layout, "blobs/sha256", layer.digest.slice(7)),
      "-C",
      root,
      "--same-owner",
    ]);
  }
  return { root, config: await blob<ImageConfig>(manifest.config.digest) };
}

/**
 * Why: runs the image's entrypoint the way a runtime would, without one: a private mount namespace (unshare)
 * where the root filesystem is bind-mounted read-only with /proc and /dev, then chroot as the image's user with
 * only the image's environment. `mounts` are host folders bind-mounted read-only at the same path inside.
 */
export function startInImage(
  root: string,
  config: ImageConfig,
  args: string[],
  mounts: Record<string, string> = {},
): StdioProcess {
  if (process.getuid?.() !== 0)
    throw new Error("running the image's root filesystem needs root (unshare, chroot)");
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const inside = Object.keys(mounts).map((p) => q(root + p));
  const binds = Object.entries(mounts).map(
    ([p, host]) => `mount --bind ${q(host)} ${q(root + p)} && mount -o remount,bind,ro ${q(root + p)}`,
  );
  // Mount points first (a runtime creates them too); then the root, its read-only binds, /proc and /dev.
  const script = [
    `mount --make-rprivate /`,
    ...inside.map((p) => `mkdir -p ${p}`),
    `mount --bind ${q(root)} ${q(root)}`,
    ...binds,
    `mount -o remount,bind,ro ${q(root)}`,
    `mount --rbind /proc ${q(`${root}/proc`)}`,
    `mount --rbind /dev ${q(`${root}/dev`)}`,
    // The host's PATH finds mount and chroot; the server itself gets exactly the image's environment.
    `C="$(command -v chroot)"`,
    `exec env -i ${config.config.Env.map(q).join(" ")} "$C" --userspec=${config.config.User} ${q(root)} ${[...config.config.Entrypoint, ...args].map(q).join(" ")}`,
  ].join(" && ");
  return spawnStdio("unshare", ["--mount", "sh", "-c", script], {
    PATH: `${process.env.PATH ?? "/usr/bin:/bin"}:/usr/sbin:/sbin`,
  });
}
