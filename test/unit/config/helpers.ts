// Temp-dir helpers for config tests.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";

const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Why: each test gets its own directory, removed afterwards. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-config-"));
  dirs.push(dir);
  return dir;
}

/** Why: most tests need one TOML file with given content. */
export async function writeToml(text: string, name = "config.toml"): Promise<string> {
  const file = join(await tempDir(), name);
  await writeFile(file, text, "utf8");
  return file;
}

/** Why: a ConfigError's message, or a failure when loading unexpectedly succeeded. */
export async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`non-Error thrown: ${String(error)}`);
  }
  throw new Error("expected a rejection, but it resolved");
}
