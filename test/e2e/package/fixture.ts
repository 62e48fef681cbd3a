// What the package suites run against: real clusters prepared with known objects, plus the STUBS for what cannot
// run here (exec endpoint, nsk CLI, Rancher API), and the configuration the installed server is started with.
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ControlPlaneInfo, TestCluster } from "../../harness/controlplane.js";
import { ensureHelm } from "../../harness/helm.js";
import { type ApiTarget, apiRequest } from "../../harness/https.js";
import { publishNodeMetrics, publishPodMetrics } from "../../harness/metrics.js";
import { createPods, waitForPodsRunning } from "../../harness/pods.js";
import { admin } from "../../helpers/cluster-api.js";
import { writeKubeconfig } from "../../helpers/fleet.js";
import { type ProxyNode, startProxyNode } from "../../helpers/proxy-node.js";
import { FAKE_NSK, makeFakeNsk } from "../../integration/rancher/fake-nsk.js";
import { kubeconfigFor, rancherToken, stubClusters } from "../../integration/rancher/helpers.js";
import { type ExecStub, startExecStub } from "../../stubs/exec-apiserver.js";
import { type RancherStub, startRancherStub } from "../../stubs/rancher-api.js";

/** Why: each transport gets its own namespace, so the two suites can run at once on the same clusters. */
export type Transport = "stdio" | "stdio-modern" | "http" | "http-modern" | "http-stateless";

/** Why: everything a scenario step needs to act and to check the clusters behind the server's back. */
export interface Fixture {
  transport: Transport;
  namespace: string;
  /** Kubeconfig directory the server reads (and the nsk/Rancher refresh writes into). */
  dir: string;
  /** HOME of the server process: empty, so no user configuration leaks in. */
  home: string;
  configFile: string;
  env: Record<string, string>;
  sv5: TestCluster;
  lax1: TestCluster;
  dfw1: TestCluster;
  exec: ExecStub;
  rancher?: RancherStub;
  /** A node whose kubelet STUB the node proxy can reach (nodes_log, nodes_stats_summary). */
  proxyNode: ProxyNode;
  /** Secrets that must appear in no response (tokens of clusters, Rancher, the exec stub; Secret data). */
  secrets: string[];
  /** Literal strings the golden normaliser replaces (temp paths, ports) with a stable name. */
  replacements: Array<[string, string]>;
  close: () => Promise<void>;
}

const REPO = fileURLToPath(new URL("../../..", import.meta.url)).replace(/\/$/, "");

/** Why: the value of the Secret the scenario applies; it must never come back in a response. */
export const SECRET_VALUE = "s3cr3t-e2e-password";

function cluster(cp: ControlPlaneInfo, name: string): TestCluster {
  const c = cp.clusters.find((x) => x.name === name);
  if (!c) throw new Error(`control plane has no cluster ${name}`);
  return c;
}

async function must(target: ApiTarget, method: string, path: string, body: unknown): Promise<void> {
  const res = await apiRequest(target, method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body}`);
}

// Objects the scenario reads, scales and deletes, created directly through the admin API.
async function seedClusters(ns: string, transport: Transport, all: TestCluster[], lax1: TestCluster) {
  for (const c of all) {
    await must(admin(c), "POST", "/api/v1/namespaces", {
      metadata: { name: ns, labels: { "k8s-mcp-e2e": transport } },
    });
  }
  await createPods(admin(lax1), ns, 2, {
    prefix: "web",
    containers: ["main", "sidecar"],
    labels: { app: "web", "k8s-mcp-e2e": transport },
  });
  for (const c of all.filter((x) => x.name !== "c1-dfw1")) {
    await must(admin(c), "POST", `/apis/apps/v1/namespaces/${ns}/deployments`, {
      metadata: { name: "api", labels: { app: "api" } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "api" } },
        template: {
          metadata: { labels: { app: "api" } },
          spec: { containers: [{ name: "api", image: "registry.k8s.io/pause:3.10" }] },
        },
      },
    });
  }
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  await must(admin(lax1), "POST", `/api/v1/namespaces/${ns}/events`, {
    metadata: { name: "web-1.backoff" },
    involvedObject: { kind: "Pod", namespace: ns, name: "web-1", apiVersion: "v1" },
    reason: "BackOff",
    message: "Back-off restarting failed container main",
    type: "Warning",
    count: 3,
    firstTimestamp: now,
    lastTimestamp: now,
    source: { component: "kubelet" },
  });
  await waitForPodsRunning(admin(lax1), ns, 2, 30_000);
  await publishPodMetrics(admin(lax1), ns, "web-1", [
    { name: "main", cpu: "250m", memory: "64Mi" },
    { name: "sidecar", cpu: "5m", memory: "16Mi" },
  ]);
  await publishPodMetrics(admin(lax1), ns, "web-2", [
    { name: "main", cpu: "1", memory: "1Gi" },
    { name: "sidecar", cpu: "5m", memory: "16Mi" },
  ]);
  // Node metrics are cluster-wide: both transports publish the same numbers, so either order gives one result.
  await publishNodeMetrics(admin(lax1), lax1.nodeName, { cpu: "1500m", memory: "2Gi" });
}

/**
 * Why: one call prepares a transport's run. The directory holds c1-sv5, c1-lax1 and the exec stub; c1-dfw1 is
 * known only to "Rancher" (the nsk STUB for stdio, the Rancher API STUB for HTTP) until nsk_clusters_discover.
 */
export async function makeFixture(
  cp: ControlPlaneInfo,
  transport: Transport,
  listOutput: "table" | "yaml",
): Promise<Fixture> {
  const sv5 = cluster(cp, "c1-sv5");
  const lax1 = cluster(cp, "c1-lax1");
  const dfw1 = cluster(cp, "c1-dfw1");
  const namespace = `e2e-${transport}`;
  await seedClusters(namespace, transport, [sv5, lax1, dfw1], lax1);

  const work = await mkdtemp(join(tmpdir(), `k8s-mcp-pkg-${transport}-`));
  const dir = join(work, "kubeconfigs");
  const home = join(work, "home");
  await mkdir(dir);
  await mkdir(home);
  await copyFile(sv5.kubeconfig, join(dir, "c1-sv5.yaml"));
  await copyFile(lax1.kubeconfig, join(dir, "c1-lax1.yaml"));
  const execToken = randomBytes(16).toString("hex");
  const exec = await startExecStub(execToken);
  const execCa = Buffer.from(exec.ca).toString("base64");
  await writeKubeconfig(join(dir, "exec-stub.yaml"), "exec-stub", exec.url, execToken, execCa);

  const token = rancherToken();
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: home, RANCHER_TOKEN: token };
  let rancher: RancherStub | undefined;
  let nsk: string[];
  if (transport.startsWith("stdio")) {
    const fake = await makeFakeNsk(work, token);
    await fake.setClusters(
      Object.fromEntries([sv5, lax1, dfw1].map((c) => [c.name, kubeconfigFor(c, c.adminToken)])),
    );
    const restore = fake.useEnv();
    for (const k of ["FAKE_NSK_CLUSTERS", "FAKE_NSK_LOG", "FAKE_NSK_TOKEN"]) env[k] = process.env[k] ?? "";
    restore();
    nsk = ['driver = "nsk"', `nsk_path = "${FAKE_NSK}"`, 'rancher_url = "https://rancher.example.invalid"'];
  } else {
    rancher = await startRancherStub({
      token,
      clusters: stubClusters([sv5, lax1, dfw1], (c) => c.adminToken),
    });
    nsk = ['driver = "rancher-api"', `rancher_url = "${rancher.url}"`];
  }
  const proxyNode = await startProxyNode(lax1);
  const configFile = join(work, "k8s-mcp.toml");
  await writeFile(
    configFile,
    [
      `kubeconfig_dir = "${dir}"`,
      'default_cluster = "c1-sv5"',
      `list_output = "${listOutput}"`,
      `helm_path = "${await ensureHelm()}"`,
      "",
      "[nsk]",
      `config_dir = "${dir}"`,
      'profile = "e2e"',
      'min_refresh_interval = "0s"',
      ...nsk,
      "",
    ].join("\n"),
  );
  const port = (url: string): string => new URL(url).port;
  const replacements: Array<[string, string]> = [
    [dir, "<kubeconfig-dir>"],
    [work, "<work-dir>"],
    [cp.root, "<controlplane-dir>"],
    [REPO, "<repo>"],
    [proxyNode.name, "<proxy-node>"],
    ...[sv5, lax1, dfw1].map((c): [string, string] => [
      `127.0.0.1:${port(c.server)}`,
      `127.0.0.1:<${c.name}-port>`,
    ]),
    [`127.0.0.1:${port(exec.url)}`, "127.0.0.1:<exec-stub-port>"],
    ...(rancher
      ? [[`127.0.0.1:${port(rancher.url)}`, "127.0.0.1:<rancher-stub-port>"] as [string, string]]
      : []),
  ];
  const secrets = [token, token.split(":")[1] ?? token, execToken, SECRET_VALUE, btoa(SECRET_VALUE)];
  for (const c of [sv5, lax1, dfw1]) secrets.push(c.adminToken);
  return {
    transport,
    namespace,
    dir,
    home,
    configFile,
    env,
    sv5,
    lax1,
    dfw1,
    exec,
    rancher,
    proxyNode,
    secrets,
    replacements,
    close: async () => {
      await exec.close();
      await rancher?.close();
      await proxyNode.stop();
      await rm(work, { recursive: true, force: true });
    },
  };
}
