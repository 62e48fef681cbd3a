// Builds (once) and locates the real `helm` CLI (v4) used by the Helm tool and chart tests.
import { execFile } from "node:child_process";
import { access, mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Why: the pinned helm release; tests compare the native readers against exactly this CLI. */
export const HELM_VERSION = "v4.3.2";

/** Why: helm is cached per version outside the repo, beside the control-plane binaries. */
export function helmPath(): string {
  const root =
    process.env.K8S_MCP_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "k8s-mcp");
  return join(root, "helm", HELM_VERSION, "helm");
}

/** Why: one call that returns the cached helm binary, building it from Go modules when missing. */
export async function ensureHelm(log: (line: string) => void = () => {}): Promise<string> {
  const out = helmPath();
  try {
    await access(out);
    return out;
  } catch {}
  const dir = join(out, "..");
  await mkdir(dir, { recursive: true });
  const gobin = await mkdtemp(join(tmpdir(), "helm-build-"));
  const started = Date.now();
  log(`building helm.sh/helm/v4/cmd/helm@${HELM_VERSION} (first run only)...`);
  try {
    await run("go", ["install", "-trimpath", "-ldflags=-s -w", `helm.sh/helm/v4/cmd/helm@${HELM_VERSION}`], {
      cwd: gobin,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, CGO_ENABLED: "0", GOBIN: gobin, GOFLAGS: "" },
    });
    await rename(join(gobin, "helm"), out);
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`building helm ${HELM_VERSION} failed: ${e.stderr?.trim() || e.message}`);
  } finally {
    await rm(gobin, { recursive: true, force: true });
  }
  log(`built helm in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureHelm((line) => process.stderr.write(`[helm] ${line}\n`))
    .then((path) => process.stderr.write(`[helm] ready: ${path}\n`))
    .catch((err: Error) => {
      process.stderr.write(`[helm] ${err.message}\n`);
      process.exit(1);
    });
}
