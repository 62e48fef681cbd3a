// Runs the helm CLI for writes: fixed arguments built from typed input, an isolated Helm home, one kubeconfig,
// a deadline and cancellation that end the whole process group.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { ToolError } from "../errors.js";

/** Why: what one helm run needs; argv holds no credential (the kubeconfig is a 0600 file in a private dir). */
export interface HelmRun {
  helmPath: string;
  args: readonly string[];
  kubeconfig: string;
  /** Private temp dir (removed by the caller): Helm's config, cache and data homes live here. */
  dir: string;
  timeoutMs: number;
  signal: AbortSignal;
}

/** Why: a finished run, success or not; the caller turns a failure into an actionable error. */
export interface HelmResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

// Only what helm needs to reach a registry through a proxy: never HELM_*, KUBECONFIG or the user's HOME.
const PASSED_ENV = ["PATH", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy"];

/**
 * Why: the environment of every helm run: HOME and the three Helm homes point into the private dir, so the
 * user's repositories, registry logins and plugins are neither read nor changed, and no HELM_* variable
 * (HELM_KUBECONTEXT, HELM_POST_RENDERER...) leaks in from the server's environment.
 */
export async function helmEnv(dir: string, kubeconfig: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const k of PASSED_ENV) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  const homes = {
    HELM_CONFIG_HOME: join(dir, "config"),
    HELM_CACHE_HOME: join(dir, "cache"),
    HELM_DATA_HOME: join(dir, "data"),
  };
  await Promise.all(Object.values(homes).map((d) => mkdir(d, { recursive: true, mode: 0o700 })));
  return { ...env, ...homes, HOME: dir, KUBECONFIG: kubeconfig, HELM_DRIVER: "secret" };
}

// Ends the run and every process it started: helm runs as a process-group leader, so -pid reaches them all.
function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {}
}

/** Why: the one way helm is run; a missing binary, a timeout and a cancellation each get their own message. */
export async function runHelm(r: HelmRun): Promise<HelmResult> {
  r.signal.throwIfAborted();
  const { execa } = await import("execa");
  const child = execa(r.helmPath, ["--kubeconfig", r.kubeconfig, "--kube-context", "target", ...r.args], {
    env: await helmEnv(r.dir, r.kubeconfig),
    extendEnv: false,
    cwd: r.dir,
    detached: true,
    stdin: "ignore",
    reject: false,
    maxBuffer: 32 * 1024 * 1024,
  });
  let ended: "timeout" | "cancelled" | undefined;
  let force: NodeJS.Timeout | undefined;
  const stop = (why: "timeout" | "cancelled"): void => {
    ended ??= why;
    killGroup(child.pid, "SIGTERM");
    force ??= setTimeout(() => killGroup(child.pid, "SIGKILL"), 2000);
  };
  const timer = setTimeout(() => stop("timeout"), r.timeoutMs);
  const onAbort = (): void => stop("cancelled");
  r.signal.addEventListener("abort", onAbort, { once: true });
  try {
    const res = await child;
    const code = (res as { code?: string }).code;
    if (code === "ENOENT" || code === "EACCES")
      throw new ToolError(
        `the helm CLI '${r.helmPath}' was not found or is not executable; Helm writes need it (reads do not)`,
        "install helm (v3 or v4) or set helm_path to its absolute path; helm_list/helm_get/helm_history work without it",
      );
    if (ended === "timeout")
      throw new ToolError(
        `helm did not finish within ${Math.round(r.timeoutMs / 1000)}s and was stopped`,
        "check the release with helm_history (it may be pending); raise timeout_seconds for slow charts",
      );
    if (ended === "cancelled") throw new ToolError("helm was cancelled and stopped");
    return {
      exitCode: res.exitCode ?? -1,
      stdout: String(res.stdout ?? ""),
      stderr: String(res.stderr ?? ""),
    };
  } finally {
    clearTimeout(timer);
    r.signal.removeEventListener("abort", onAbort);
    if (force) clearTimeout(force);
  }
}
