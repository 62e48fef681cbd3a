// Starts a real multi-cluster Kubernetes control plane: one etcd, N isolated kube-apiservers, RBAC and tokens,
// plus per cluster a simulated node (kubelet API stub + node simulator) and a metrics API stub.
import { type ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ControlPlaneBinaries } from "./binaries.js";
import { type ClusterNode, startClusterNode } from "./cluster-node.js";
import { apiRequest } from "./https.js";
import { type Endpoint, writeClassicKubeconfig, writeClusterKubeconfig } from "./kubeconfig-files.js";
import { createKubeletCert } from "./kubelet.js";
import { freePort } from "./ports.js";

const SUPERVISE = fileURLToPath(new URL("./supervise.sh", import.meta.url));

/** Why: everything a test needs to know about one real cluster. */
export interface TestCluster {
  name: string;
  server: string;
  ca: string;
  adminToken: string;
  viewerToken: string;
  kubeconfig: string;
  viewerKubeconfig: string;
  /** The simulated node pods are bound to (see node-sim.ts). */
  nodeName: string;
  /** Loopback port of that node's kubelet API stub (see kubelet.ts). */
  kubeletPort: number;
}

/** Why: the whole control plane, serialisable so vitest can hand it to test files. */
export interface ControlPlaneInfo {
  root: string;
  kubeconfigDir: string;
  viewerKubeconfigDir: string;
  classicKubeconfig: string;
  clusters: TestCluster[];
  /** PEM of the self-signed certificate every kubelet stub serves. */
  kubeletCa: string;
  startupMs: number;
}

/** Why: the running control plane plus its teardown. */
export interface ControlPlane {
  info: ControlPlaneInfo;
  stop: () => Promise<void>;
}

interface Proc {
  child: ChildProcess;
  name: string;
  log: string;
}

function startProc(name: string, bin: string, args: string[], logFile: string): Proc {
  const out = createWriteStream(logFile);
  const child = spawn(SUPERVISE, [bin, ...args], {
    env: { ...process.env, WATCH_PID: String(process.pid) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  return { child, name, log: logFile };
}

async function tail(file: string, lines = 15): Promise<string> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.trim().split("\n").slice(-lines).join("\n");
}

async function waitFor(
  what: string,
  proc: Proc,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) {
      throw new Error(
        `${proc.name} exited (${proc.child.exitCode}) before ${what}:\n${await tail(proc.log)}`,
      );
    }
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}:\n${await tail(proc.log)}`);
}

async function stopProc(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise<void>((r) => p.child.once("exit", () => r()));
  p.child.kill("SIGTERM");
  const timer = setTimeout(() => p.child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

// freePort() closes its probe before the process binds, so another process can take the port meanwhile:
// a start that fails with "address already in use" is retried on fresh ports.
async function withPortRetry<T>(start: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(attempt);
    } catch (err) {
      if (attempt >= 3 || !/address already in use/i.test((err as Error).message)) throw err;
    }
  }
}

async function startEtcd(bin: string, dir: string, procs: Proc[], attempt = 1): Promise<{ url: string }> {
  const [client, peer] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${client}`;
  const proc = startProc(
    "etcd",
    bin,
    [
      `--data-dir=${join(dir, `etcd-data-${attempt}`)}`,
      `--listen-client-urls=${url}`,
      `--advertise-client-urls=${url}`,
      `--listen-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-cluster=default=http://127.0.0.1:${peer}`,
      "--unsafe-no-fsync",
      "--log-level=warn",
      "--quota-backend-bytes=4294967296",
    ],
    join(dir, `etcd-${attempt}.log`),
  );
  procs.push(proc);
  await waitFor("etcd health", proc, async () => (await fetch(`${url}/health`)).ok, 30_000);
  return { url };
}

interface ApiserverSpec {
  name: string;
  bin: string;
  dir: string;
  etcdUrl: string;
  /** Extra kube-apiserver flags (e.g. --authentication-config for an apiserver that trusts a test IdP). */
  extraArgs?: readonly string[];
}

type ApiserverCluster = Omit<TestCluster, "kubeconfig" | "viewerKubeconfig" | "nodeName" | "kubeletPort">;

async function startApiserver(s: ApiserverSpec, procs: Proc[]): Promise<ApiserverCluster> {
  const dir = join(s.dir, s.name);
  await mkdir(join(dir, "certs"), { recursive: true });
  const adminToken = randomBytes(24).toString("hex");
  const viewerToken = randomBytes(24).toString("hex");
  await writeFile(
    join(dir, "tokens.csv"),
    `${adminToken},admin,admin-uid,"system:masters"\n${viewerToken},viewer,viewer-uid,"k8s-mcp:viewers"\n`,
    { mode: 0o600 },
  );
  const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  await writeFile(join(dir, "sa.key"), keys.privateKey.export({ type: "pkcs8", format: "pem" }), {
    mode: 0o600,
  });
  await writeFile(join(dir, "sa.pub"), keys.publicKey.export({ type: "spki", format: "pem" }));
  const port = await freePort();
  const proc = startProc(
    `kube-apiserver ${s.name}`,
    s.bin,
    [
      `--etcd-servers=${s.etcdUrl}`,
      `--etcd-prefix=/k8s-mcp-test/${s.name}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${port}`,
      `--cert-dir=${join(dir, "certs")}`,
      `--token-auth-file=${join(dir, "tokens.csv")}`,
      "--authorization-mode=RBAC",
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${join(dir, "sa.pub")}`,
      `--service-account-signing-key-file=${join(dir, "sa.key")}`,
      "--service-cluster-ip-range=10.96.0.0/16",
      "--disable-admission-plugins=ServiceAccount",
      "--enable-priority-and-fairness=false",
      "--endpoint-reconciler-type=none",
      // pods/log is proxied to the simulated node's kubelet stub at its InternalIP (127.0.0.1). Without
      // --kubelet-certificate-authority / --kubelet-client-certificate the apiserver skips verifying the
      // stub's certificate and presents none itself.
      "--kubelet-preferred-address-types=InternalIP",
      "--allow-privileged=true",
      "--profiling=false",
      "--v=0",
      ...(s.extraArgs ?? []),
    ],
    join(s.dir, `${s.name}.log`),
  );
  procs.push(proc);
  const server = `https://127.0.0.1:${port}`;
  const certFile = join(dir, "certs", "apiserver.crt");
  let ca = "";
  await waitFor(
    `${s.name} /readyz`,
    proc,
    async () => {
      ca = ca || (await readFile(certFile, "utf8"));
      const res = await apiRequest(
        { server, ca, token: adminToken },
        "GET",
        "/readyz",
        undefined,
        undefined,
        2000,
      );
      return res.status === 200;
    },
    90_000,
  );
  const target = { server, ca, token: adminToken };
  // The built-in "view" role is aggregated by kube-controller-manager, which does not run here: define our own.
  const role = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: "k8s-mcp-viewer" },
    rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["get", "list", "watch"] }],
  };
  const roleRes = await apiRequest(target, "POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", role);
  if (roleRes.status !== 201)
    throw new Error(`${s.name}: creating viewer role failed: ${roleRes.status} ${roleRes.body}`);
  const binding = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: "k8s-mcp-viewers" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "k8s-mcp-viewer" },
    subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "k8s-mcp:viewers" }],
  };
  const res = await apiRequest(
    target,
    "POST",
    "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
    binding,
  );
  if (res.status !== 201)
    throw new Error(`${s.name}: creating viewer binding failed: ${res.status} ${res.body}`);
  return { name: s.name, server, ca, adminToken, viewerToken };
}

/** Why: the default cluster names mirror the proposal's Rancher fleet. */
export const DEFAULT_CLUSTER_NAMES: readonly string[] = ["c1-sv5", "c1-lax1", "c1-dfw1"];

/** Why: one call that brings up etcd and N independent clusters and writes their kubeconfigs. */
export async function startControlPlane(
  bins: ControlPlaneBinaries,
  names: readonly string[] = DEFAULT_CLUSTER_NAMES,
  opts: { apiserverArgs?: readonly string[] } = {},
): Promise<ControlPlane> {
  const started = Date.now();
  const root = await mkdtemp(join(tmpdir(), "k8s-mcp-cp-"));
  const procs: Proc[] = [];
  const nodes: ClusterNode[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop()));
    await Promise.all(procs.filter((p) => p.name !== "etcd").map(stopProc));
    await Promise.all(procs.filter((p) => p.name === "etcd").map(stopProc));
    if (!process.env.K8S_MCP_KEEP_CONTROLPLANE) await rm(root, { recursive: true, force: true });
  };
  try {
    const certPromise = createKubeletCert(root);
    certPromise.catch(() => {}); // awaited below; this only keeps an early etcd failure from leaving it unhandled
    const etcd = await withPortRetry((attempt) => startEtcd(bins.etcd, root, procs, attempt));
    const kubeletCert = await certPromise;
    const kubeconfigDir = join(root, "kubeconfigs");
    const viewerKubeconfigDir = join(root, "viewer-kubeconfigs");
    await mkdir(kubeconfigDir);
    await mkdir(viewerKubeconfigDir);
    const log = (line: string): void => {
      process.stderr.write(`[controlplane] ${line}\n`);
    };
    // Each cluster's node add-ons start as soon as its own apiserver is ready. allSettled, so that on a failure
    // nothing is still starting when stop() runs.
    const settled = await Promise.allSettled(
      names.map(async (name) => {
        const cluster = await withPortRetry(() =>
          startApiserver(
            { name, bin: bins.apiserver, dir: root, etcdUrl: etcd.url, extraArgs: opts.apiserverArgs },
            procs,
          ),
        );
        const target = { server: cluster.server, ca: cluster.ca, token: cluster.adminToken };
        const node = await startClusterNode(target, kubeletCert, (l) => log(`${name}: ${l}`));
        nodes.push(node);
        return { cluster, node };
      }),
    );
    const failed = settled.find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
    const started2 = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const clusters: TestCluster[] = [];
    for (const { cluster, node } of started2) {
      const caData = Buffer.from(cluster.ca).toString("base64");
      const admin: Endpoint = {
        name: cluster.name,
        server: cluster.server,
        caData,
        token: cluster.adminToken,
        user: "admin",
      };
      const viewer: Endpoint = { ...admin, token: cluster.viewerToken, user: "viewer" };
      const kubeconfig = join(kubeconfigDir, `${cluster.name}.yaml`);
      const viewerKubeconfig = join(viewerKubeconfigDir, `${cluster.name}.yaml`);
      await writeClusterKubeconfig(kubeconfig, admin);
      await writeClusterKubeconfig(viewerKubeconfig, viewer);
      clusters.push({
        ...cluster,
        kubeconfig,
        viewerKubeconfig,
        nodeName: node.nodeName,
        kubeletPort: node.kubeletPort,
      });
    }
    const classicKubeconfig = join(root, "classic.yaml");
    await writeClassicKubeconfig(
      classicKubeconfig,
      clusters.map((c) => ({
        name: c.name,
        server: c.server,
        caData: Buffer.from(c.ca).toString("base64"),
        token: c.adminToken,
        user: "admin",
      })),
      clusters[0]?.name ?? "",
    );
    return {
      info: {
        root,
        kubeconfigDir,
        viewerKubeconfigDir,
        classicKubeconfig,
        clusters,
        kubeletCa: kubeletCert.cert,
        startupMs: Date.now() - started,
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
