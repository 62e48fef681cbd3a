// Builds (once) and locates the kube-apiserver and etcd binaries used by the test control plane.
import { execFile } from "node:child_process";
import { access, mkdir, readFile, rename, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const MODULE_DIR = fileURLToPath(new URL("../controlplane/", import.meta.url));

/** Why: tests and CI need the exact paths of the two control-plane binaries. */
export interface ControlPlaneBinaries {
  version: string;
  apiserver: string;
  etcd: string;
}

/** Why: the binaries are cached per pinned Kubernetes version, outside the repo. */
export async function cacheDir(): Promise<string> {
  const version = (await readFile(join(MODULE_DIR, "VERSION"), "utf8")).trim();
  const root =
    process.env.K8S_MCP_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "k8s-mcp");
  return join(root, "controlplane", version);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

// Stamps the Kubernetes version so /version reports it (go build alone says v0.0.0-master).
function ldflags(version: string): string {
  const [major, minor] = version.replace(/^v/, "").split(".");
  const v = "k8s.io/component-base/version";
  return `-s -w -X ${v}.gitVersion=${version} -X ${v}.gitMajor=${major} -X ${v}.gitMinor=${minor} -X ${v}.gitTreeState=clean`;
}

async function goBuild(
  pkg: string,
  out: string,
  version: string,
  log: (line: string) => void,
): Promise<void> {
  const started = Date.now();
  const tmp = `${out}.tmp-${process.pid}`;
  log(`building ${pkg} (first run only; several minutes on 2 cores)...`);
  try {
    await run("go", ["build", "-trimpath", `-ldflags=${ldflags(version)}`, "-o", tmp, pkg], {
      cwd: MODULE_DIR,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod" },
    });
    await rename(tmp, out);
  } catch (err) {
    await rm(tmp, { force: true });
    const e = err as { stderr?: string; message: string };
    throw new Error(`go build ${pkg} failed: ${e.stderr?.trim() || e.message}`);
  }
  log(`built ${pkg} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

/** Why: one call that returns cached binaries, building only what is missing. */
export async function ensureBinaries(log: (line: string) => void = () => {}): Promise<ControlPlaneBinaries> {
  const dir = await cacheDir();
  const version = dir.split("/").pop() ?? "unknown";
  await mkdir(dir, { recursive: true });
  const apiserver = join(dir, "kube-apiserver");
  const etcd = join(dir, "etcd");
  if (!(await exists(apiserver)))
    await goBuild("k8s.io/kubernetes/cmd/kube-apiserver", apiserver, version, log);
  if (!(await exists(etcd))) await goBuild("go.etcd.io/etcd/server/v3", etcd, version, log);
  return { version, apiserver, etcd };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  ensureBinaries((line) => process.stderr.write(`[controlplane] ${line}\n`))
    .then((b) => {
      process.stderr.write(
        `[controlplane] ready in ${((Date.now() - started) / 1000).toFixed(1)}s: ${b.apiserver} ${b.etcd}\n`,
      );
    })
    .catch((err: Error) => {
      process.stderr.write(`[controlplane] ${err.message}\n`);
      process.exit(1);
    });
}
