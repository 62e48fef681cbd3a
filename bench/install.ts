// Install cost as a user pays it: `npm pack`, then `npm install <tgz> --omit=dev` into an empty prefix.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { median } from "./stats.js";
import type { BenchScenario } from "./types.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RUNS = Number(process.env.BENCH_INSTALL_RUNS ?? 3);

async function du(path: string): Promise<number> {
  const s = await stat(path);
  if (!s.isDirectory()) return s.size;
  let total = 0;
  for (const e of await readdir(path)) total += await du(join(path, e));
  return total;
}

async function packages(nodeModules: string): Promise<string[]> {
  const names: string[] = [];
  for (const e of await readdir(nodeModules).catch(() => [] as string[])) {
    if (e.startsWith(".")) continue;
    if (e.startsWith("@")) for (const s of await readdir(join(nodeModules, e))) names.push(`${e}/${s}`);
    else names.push(e);
  }
  return names;
}

/** Why: `npx k8s-mcp` should install one small package in seconds (targets: < 3 s, < 5 MB). */
export const scenario: BenchScenario = {
  name: "install",
  description: `npm pack + npm install <tgz> --omit=dev into an empty prefix, median of ${RUNS}`,
  run: async (print) => {
    const work = await mkdtemp(join(tmpdir(), "k8s-mcp-install-"));
    try {
      const packed = await run("npm", ["pack", "--json", "--pack-destination", work], { cwd: ROOT });
      const info = (
        JSON.parse(packed.stdout) as { filename: string; size: number; unpackedSize: number }[]
      )[0];
      if (!info) throw new Error("npm pack printed no package");
      const tgz = join(work, info.filename);
      const times: number[] = [];
      let prefix = "";
      for (let i = 0; i < RUNS; i++) {
        prefix = join(work, `prefix-${i}`);
        const t = performance.now();
        await run("npm", ["install", "--prefix", prefix, "--omit=dev", "--no-audit", "--no-fund", tgz]);
        times.push(performance.now() - t);
      }
      const nm = join(prefix, "node_modules");
      const installed = await packages(nm);
      const size = await du(nm);
      const version = await run(process.execPath, [join(nm, "k8s-mcp", "dist", "cli.cjs"), "--version"]);
      const ms = median(times);
      print(
        `tarball ${(info.size / 1e6).toFixed(2)} MB, unpacked ${(info.unpackedSize / 1e6).toFixed(2)} MB`,
      );
      print(
        `npm install <tgz> --omit=dev: ${(ms / 1000).toFixed(2)} s (target < 3 s), node_modules ${(size / 1e6).toFixed(2)} MB (target < 5 MB), ${installed.length} package(s): ${installed.join(", ")}`,
      );
      print(`installed bin answers --version: ${(version.stdout + version.stderr).trim()}`);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
};
