// Packs the built project (`npm pack`) and installs the tarball into an empty prefix without dev dependencies,
// once per test run: the first test file to ask does it under a lock, the others wait for its result and reuse it.
import { execFile } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { mkdir, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { vi } from "vitest";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Why: what the e2e suites drive (the installed bin) and what the report quotes (size, install time). */
export interface InstalledPackage {
  tarball: string;
  tarballBytes: number;
  prefix: string;
  bin: string;
  installMs: number;
}

async function newestMtime(path: string): Promise<number> {
  const s = await stat(path);
  if (!s.isDirectory()) return s.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((e) => newestMtime(join(path, e))));
  return Math.max(s.mtimeMs, ...times);
}

// The package is built from dist/: a dist older than its sources would prove the wrong code.
async function assertFreshDist(): Promise<void> {
  const cli = join(ROOT, "dist", "cli.cjs");
  if (!existsSync(cli)) throw new Error("dist/cli.cjs is missing: run `npm run build` first");
  const sources = Math.max(
    await newestMtime(join(ROOT, "src")),
    statSync(join(ROOT, "package.json")).mtimeMs,
    statSync(join(ROOT, "scripts", "build.mjs")).mtimeMs,
  );
  if (sources > statSync(cli).mtimeMs) throw new Error("dist/ is older than src/: run `npm run build` first");
}

/**
 * Why: the environment of a user's shell. Under `npm test`, npm exports its own npm_* variables (the project's
 * prefix among them), which would make a child npm or npx act on this checkout instead of the tarball.
 */
export function userEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^npm_/i.test(k)) env[k] = v;
  return { ...env, npm_config_update_notifier: "false", npm_config_fund: "false" };
}

async function packAndInstall(dir: string): Promise<InstalledPackage> {
  await assertFreshDist();
  const env = userEnv();
  const packed = await run("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: ROOT, env });
  const tarball = join(dir, packed.stdout.trim().split("\n").at(-1) ?? "");
  const prefix = join(dir, "prefix");
  await mkdir(prefix);
  // An empty prefix with its own package.json, so npm does not walk up into a project above it.
  await writeFile(join(prefix, "package.json"), '{"name":"k8s-mcp-e2e-install","private":true}\n');
  const started = Date.now();
  await run(
    "npm",
    ["install", "--omit=dev", "--no-audit", "--no-fund", "--no-package-lock", "--prefer-offline", tarball],
    { cwd: prefix, env, timeout: 300_000 },
  );
  const installMs = Date.now() - started;
  const bin = join(prefix, "node_modules", ".bin", "k8s-mcp");
  if (!existsSync(bin)) throw new Error(`npm install did not create ${bin}`);
  return { tarball, tarballBytes: statSync(tarball).size, prefix, bin, installMs };
}

// Written whole (rename), so a waiting reader never sees half a file.
async function publish(file: string, value: unknown): Promise<void> {
  await writeFile(`${file}.tmp`, JSON.stringify(value));
  await rename(`${file}.tmp`, file);
}

/**
 * Why: every e2e file drives the same installed package; `runDir` is unique per test run (the control plane's
 * root), so the install is made once per run and removed with it. mkdir is the lock: atomic across workers.
 */
export async function installedPackage(runDir: string, timeoutMs = 300_000): Promise<InstalledPackage> {
  const dir = join(runDir, "package");
  const result = join(dir, "result.json");
  try {
    await mkdir(dir);
  } catch {
    const text = await vi.waitFor(
      async () => {
        const t = await readFile(result, "utf8").catch(() => "");
        if (!t)
          throw new Error(
            `timed out after ${timeoutMs} ms waiting for another test file to install the package`,
          );
        return t;
      },
      { timeout: timeoutMs, interval: 100 },
    );
    const r = JSON.parse(text) as { ok?: InstalledPackage; error?: string };
    if (r.ok) return r.ok;
    throw new Error(`packing/installing the package failed (in another test file): ${r.error}`);
  }
  try {
    const ok = await packAndInstall(dir);
    await publish(result, { ok });
    return ok;
  } catch (err) {
    const e = err as Error & { stderr?: string };
    await publish(result, { error: `${e.message}\n${e.stderr ?? ""}` });
    throw err;
  }
}
