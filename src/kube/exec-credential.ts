// Runs kubeconfig exec credential plugins (client.authentication.k8s.io ExecCredential, v1 and v1beta1) with
// the lifecycle a long-running server needs: own process group, killed on timeout and at shutdown, a minimal
// environment, credentials cached until they expire (or the cluster answers 401), scrubbed stderr.
import { type ChildProcess, spawn } from "node:child_process";
import type { KubeConfig } from "@kubernetes/client-node";
import { redactText } from "../redact/text.js";
import { KubeError } from "./errors.js";

/** Why: the `user.exec` block of a kubeconfig, as client-node parses it (YAML keys kept). */
export interface ExecConfig {
  apiVersion?: string;
  command?: string;
  args?: string[];
  env?: { name: string; value: string }[] | null;
  installHint?: string;
  provideClusterInfo?: boolean;
  interactiveMode?: string;
}

/** Why: what `spec.cluster` carries when the kubeconfig sets provideClusterInfo. */
export interface ExecClusterInfo {
  server: string;
  caData?: string;
  tlsServerName?: string;
  insecureSkipTlsVerify?: boolean;
  proxyUrl?: string;
}

/** Why: the credential a plugin returned: a bearer token and/or a client certificate (PEM). */
export interface ExecCredential {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  /** Epoch ms; undefined = valid until the cluster rejects it (401). */
  expiresAt?: number;
}

/** Why: one cluster's plugin: concurrent callers share one run; a valid credential is reused. */
export interface ExecCredentialSource {
  get(): Promise<ExecCredential>;
  /** Fetches ahead of the first request (client certificates go into TLS options); the next get() reuses it. */
  prefetch(): Promise<ExecCredential>;
  /** Drops the cached credential (the cluster answered 401), so the next request runs the plugin again. */
  invalidate(): void;
  /** The expiry of the last credential the plugin returned (epoch ms), if it gave one: for expiry reports. */
  expiresAt(): number | undefined;
}

const API_VERSIONS: ReadonlySet<string> = new Set([
  "client.authentication.k8s.io/v1",
  "client.authentication.k8s.io/v1beta1",
]);

// Inherited from the server's environment; everything else (RANCHER_TOKEN, K8S_MCP_*) stays out.
const PASSED_ENV: readonly string[] = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "LANG",
  "LC_ALL",
  "LC_CTYPE",
  "TZ",
  "TMPDIR",
  "KUBECONFIG",
  "XDG_CONFIG_HOME",
  "XDG_CACHE_HOME",
  "XDG_RUNTIME_DIR",
  "HTTPS_PROXY",
  "HTTP_PROXY",
  "NO_PROXY",
  "https_proxy",
  "http_proxy",
  "no_proxy",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
];

const MAX_STDOUT_BYTES = 1024 * 1024;
const MAX_STDERR_KEEP = 4096;
const MAX_STDERR_SHOWN = 300;
const EXPIRY_SKEW_MS = 5_000;

// Plugins still running; killed (whole process group) by killExecPlugins at shutdown.
const running: Set<ChildProcess> = new Set();

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

/** Why: shutdown must not leave plugin processes (or their children) behind; the CLI calls this on exit. */
export function killExecPlugins(): void {
  for (const child of running) killGroup(child);
  running.clear();
}

/** Why: the environment a plugin gets: a short allowlist from ours plus the kubeconfig's own `env`. */
export function pluginEnv(
  base: Record<string, string | undefined>,
  exec: ExecConfig,
  execInfo: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of PASSED_ENV) {
    const v = base[k];
    if (v !== undefined) env[k] = v;
  }
  for (const e of exec.env ?? []) if (e && typeof e.name === "string") env[e.name] = String(e.value ?? "");
  env.KUBERNETES_EXEC_INFO = execInfo;
  return env;
}

function execInfo(apiVersion: string, exec: ExecConfig, cluster: ExecClusterInfo): string {
  const spec: Record<string, unknown> = { interactive: false };
  if (exec.provideClusterInfo) {
    spec.cluster = {
      server: cluster.server,
      "certificate-authority-data": cluster.caData,
      "tls-server-name": cluster.tlsServerName,
      "insecure-skip-tls-verify": cluster.insecureSkipTlsVerify || undefined,
      "proxy-url": cluster.proxyUrl,
    };
  }
  return JSON.stringify({ apiVersion, kind: "ExecCredential", spec });
}

// Plugin stderr is free text: drop control characters, remove values we handed it, keep it short.
function scrubStderr(text: string, secrets: readonly string[]): string {
  let out = [...text].filter((ch) => ch === "\n" || ch >= " ").join("");
  out = redactText(out, secrets)
    .trim()
    .replace(/\s*\n\s*/g, " | ");
  return out.length > MAX_STDERR_SHOWN ? `${out.slice(0, MAX_STDERR_SHOWN)}...` : out;
}

function parseCredential(stdout: string, apiVersion: string, who: string): ExecCredential {
  let obj: { apiVersion?: string; kind?: string; status?: Record<string, unknown> };
  try {
    obj = JSON.parse(stdout) as typeof obj;
  } catch {
    throw new KubeError("kubeconfig", `${who} printed no valid ExecCredential JSON`);
  }
  if (obj?.kind !== "ExecCredential" || obj.apiVersion !== apiVersion)
    throw new KubeError(
      "kubeconfig",
      `${who} answered ${obj?.apiVersion}/${obj?.kind}, expected ${apiVersion}`,
    );
  const st = obj.status ?? {};
  const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
  const cred: ExecCredential = {
    token: str(st.token),
    clientCertificateData: str(st.clientCertificateData),
    clientKeyData: str(st.clientKeyData),
  };
  if (!cred.token && !(cred.clientCertificateData && cred.clientKeyData))
    throw new KubeError("kubeconfig", `${who} returned neither a token nor a client certificate and key`);
  const exp = str(st.expirationTimestamp);
  if (exp) {
    const at = Date.parse(exp);
    if (Number.isNaN(at)) throw new KubeError("kubeconfig", `${who} returned an invalid expirationTimestamp`);
    cred.expiresAt = at;
  }
  return cred;
}

interface RunOptions {
  exec: ExecConfig;
  apiVersion: string;
  cluster: ExecClusterInfo;
  timeoutMs: number;
  env: Record<string, string | undefined>;
  clusterName: string;
}

function runPlugin(o: RunOptions): Promise<ExecCredential> {
  const command = o.exec.command as string;
  const who = `exec credential plugin '${command}' for cluster '${o.clusterName}'`;
  const secrets = (o.exec.env ?? []).map((e) => String(e?.value ?? ""));
  return new Promise<ExecCredential>((resolve, reject) => {
    const child = spawn(command, Array.isArray(o.exec.args) ? o.exec.args.map(String) : [], {
      detached: true, // its own process group, so a timeout kills the plugin and anything it started
      stdio: ["ignore", "pipe", "pipe"],
      env: pluginEnv(o.env, o.exec, execInfo(o.apiVersion, o.exec, o.cluster)),
    });
    running.add(child);
    let stdout = "";
    let stderr = "";
    let failure: KubeError | undefined;
    const fail = (err: KubeError): void => {
      failure ??= err;
      killGroup(child);
    };
    const timer = setTimeout(
      () => fail(new KubeError("timeout", `${who} did not answer within ${o.timeoutMs} ms and was stopped`)),
      o.timeoutMs,
    );
    child.stdout?.setEncoding("utf8");
    child.stderr?.setEncoding("utf8");
    child.stdout?.on("data", (d: string) => {
      stdout += d;
      if (stdout.length > MAX_STDOUT_BYTES)
        fail(new KubeError("kubeconfig", `${who} printed more than ${MAX_STDOUT_BYTES} bytes`));
    });
    child.stderr?.on("data", (d: string) => {
      if (stderr.length < MAX_STDERR_KEEP) stderr = (stderr + d).slice(0, MAX_STDERR_KEEP); // the first lines say why
    });
    child.on("error", (err: NodeJS.ErrnoException) => {
      const hint = o.exec.installHint ? `: ${scrubStderr(o.exec.installHint, [])}` : "";
      failure ??=
        err.code === "ENOENT"
          ? new KubeError("kubeconfig", `${who} was not found${hint}`)
          : new KubeError("kubeconfig", `${who} could not be started (${err.code ?? err.message})`);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      if (failure) return reject(failure);
      if (code !== 0) {
        const why = scrubStderr(stderr, secrets);
        const status = signal ? `signal ${signal}` : `exit ${code}`;
        return reject(new KubeError("kubeconfig", `${who} failed (${status})${why ? `: ${why}` : ""}`));
      }
      try {
        resolve(parseCredential(stdout, o.apiVersion, who));
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** Why: checks the exec block once (clear errors before anything runs), then serves cached credentials. */
export function createExecCredentialSource(opts: {
  exec: ExecConfig;
  cluster: ExecClusterInfo;
  clusterName: string;
  timeoutMs: number;
  env: Record<string, string | undefined>;
}): ExecCredentialSource {
  const { exec } = opts;
  const apiVersion = exec.apiVersion ?? "";
  if (!API_VERSIONS.has(apiVersion))
    throw new KubeError(
      "kubeconfig",
      `exec credential apiVersion '${apiVersion}' for cluster '${opts.clusterName}' is not supported (use client.authentication.k8s.io/v1 or v1beta1)`,
    );
  if (!exec.command)
    throw new KubeError("kubeconfig", `exec credential for '${opts.clusterName}' has no command`);
  if (exec.interactiveMode === "Always")
    throw new KubeError(
      "kubeconfig",
      `exec credential plugin for '${opts.clusterName}' requires interactiveMode Always; this server has no terminal. Log in once outside it (so the plugin caches its credential), or change interactiveMode`,
    );
  let cached: ExecCredential | undefined;
  let unused = false; // fetched ahead of use (by prefetch): serves the next request, however short-lived
  let inflight: Promise<ExecCredential> | undefined;
  const valid = (c: ExecCredential | undefined): c is ExecCredential =>
    c !== undefined && (c.expiresAt === undefined || c.expiresAt - EXPIRY_SKEW_MS > Date.now());
  const fetch = (): Promise<ExecCredential> => {
    inflight ??= runPlugin({ ...opts, apiVersion })
      .then((c) => {
        cached = c;
        return c;
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };
  return {
    prefetch: async () => {
      if (valid(cached) || unused) return cached as ExecCredential;
      const c = await fetch();
      unused = true;
      return c;
    },
    get: () => {
      if (unused && cached) {
        unused = false;
        return Promise.resolve(cached);
      }
      return valid(cached) ? Promise.resolve(cached) : fetch();
    },
    invalidate: () => {
      cached = undefined;
      unused = false;
    },
    expiresAt: () => cached?.expiresAt,
  };
}

/** Why: the loader's one hook: our runner replaces client-node's for a context whose user has `exec`. */
export function takeOverExec(
  kc: KubeConfig,
  clusterName: string,
  timeoutMs: number,
): ExecCredentialSource | undefined {
  const user = kc.getCurrentUser();
  const cluster = kc.getCurrentCluster();
  if (!user?.exec || !cluster) return undefined;
  const source = createExecCredentialSource({
    exec: user.exec as ExecConfig,
    cluster: {
      server: cluster.server,
      caData: cluster.caData,
      tlsServerName: cluster.tlsServerName,
      insecureSkipTlsVerify: cluster.skipTLSVerify,
      proxyUrl: cluster.proxyUrl,
    },
    clusterName,
    timeoutMs,
    env: process.env,
  });
  // client-node must not run the plugin itself (no timeout kill, full environment, no caching without expiry).
  kc.users = kc.users.map((u) => (u.name === user.name ? { ...u, exec: undefined } : u));
  return source;
}
