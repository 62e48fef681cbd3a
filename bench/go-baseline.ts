// The Go reference server (`kubernetes-mcp-server` from npm), installed into a cache dir: a benchmark baseline only.
import { execFile } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const PACKAGE = "kubernetes-mcp-server";
const VERSION = process.env.BENCH_GO_VERSION ?? "0.0.67";

/** Why: the side-by-side suite runs both the npm launcher (what `npx` users get) and the bare binary. */
export interface GoBaseline {
  version: string;
  launcher: string;
  binary: string;
}

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

function paths(prefix: string): { launcher: string; binary: string } {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const name = `${PACKAGE}-${process.platform}-${arch}`;
  return {
    launcher: join(prefix, "node_modules", ".bin", PACKAGE),
    binary: join(prefix, "node_modules", name, "bin", name),
  };
}

/**
 * Why: the baseline is optional; the suite says it is missing (with the reason) instead of failing.
 * Installs once into BENCH_GO_CACHE (default ~/.cache/k8s-mcp/bench-go-<version>); later runs reuse it.
 */
export async function goBaseline(
  log: (line: string) => void,
): Promise<{ ok: true; go: GoBaseline } | { ok: false; reason: string }> {
  const prefix = process.env.BENCH_GO_CACHE ?? join(homedir(), ".cache", "k8s-mcp", `bench-go-${VERSION}`);
  const p = paths(prefix);
  if (!((await executable(p.launcher)) && (await executable(p.binary)))) {
    log(`installing ${PACKAGE}@${VERSION} into ${prefix} (baseline only)`);
    try {
      await run(
        "npm",
        ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--no-save", `${PACKAGE}@${VERSION}`],
        { timeout: 180_000 },
      );
    } catch (err) {
      return {
        ok: false,
        reason: `npm install ${PACKAGE}@${VERSION} failed: ${(err as Error).message.split("\n")[0]}`,
      };
    }
    if (!(await executable(p.binary)))
      return { ok: false, reason: `${PACKAGE} ships no binary for ${process.platform}/${process.arch}` };
  }
  return { ok: true, go: { version: VERSION, ...p } };
}
