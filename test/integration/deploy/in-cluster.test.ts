// In-cluster mode against a real apiserver: a real ServiceAccount token from the TokenRequest API and the cluster's
// CA in a service-account folder, KUBERNETES_SERVICE_HOST/PORT as a pod has them. The token file is rotated (as
// the kubelet does) and the next call must use the new token.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { TestCluster } from "../../harness/controlplane.js";
import { apiRequest } from "../../harness/https.js";
import { admin, create, freshNamespace } from "../../helpers/cluster-api.js";
import { resultText, startTestServer, type TestServer } from "../../helpers/mcp.js";

const cp = inject("controlplane");
const [pod] = cp.clusters as [TestCluster];

async function tokenFor(c: TestCluster, ns: string, sa: string): Promise<string> {
  const res = await apiRequest(admin(c), "POST", `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`, {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    spec: { expirationSeconds: 3600 },
  });
  if (res.status !== 201) throw new Error(`TokenRequest ${ns}/${sa}: ${res.status} ${res.body}`);
  return res.json<{ status: { token: string } }>().status.token;
}

function podEnv(c: TestCluster): Record<string, string> {
  const url = new URL(c.server);
  return { KUBERNETES_SERVICE_HOST: url.hostname, KUBERNETES_SERVICE_PORT: url.port };
}

interface ListStructured {
  active: string | null;
  clusters: Array<{ name: string; source?: string; server?: string; namespace?: string }>;
  problems: Array<{ kind: string; message: string }>;
}

describe("in-cluster mode (real ServiceAccount token and CA)", () => {
  let ns: string;
  let saDir: string;
  let ts: TestServer;

  beforeAll(async () => {
    ns = await freshNamespace(pod, "incluster");
    for (const name of ["mcp", "nobody"]) {
      await create(pod, `/api/v1/namespaces/${ns}/serviceaccounts`, { metadata: { name } });
    }
    // A Role of its own: `view` is aggregated by kube-controller-manager, which this control plane does not run.
    await create(pod, `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, {
      metadata: { name: "read-configmaps" },
      rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }],
    });
    await create(pod, `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
      metadata: { name: "mcp-read" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "read-configmaps" },
      subjects: [{ kind: "ServiceAccount", name: "mcp", namespace: ns }],
    });
    await create(pod, `/api/v1/namespaces/${ns}/configmaps`, {
      metadata: { name: "pod-side" },
      data: { a: "1" },
    });
    saDir = await mkdtemp(join(tmpdir(), "k8s-mcp-sa-"));
    await writeFile(join(saDir, "token"), await tokenFor(pod, ns, "mcp"));
    await writeFile(join(saDir, "ca.crt"), pod.ca);
    await writeFile(join(saDir, "namespace"), ns);
    ts = await startTestServer(
      { kubeconfig_dir: cp.kubeconfigDir, auto_discovery: false },
      podEnv(pod),
      {},
      { serviceAccountDir: saDir },
    );
  });
  afterAll(async () => {
    await ts?.close();
    await rm(saDir, { recursive: true, force: true });
  });

  it("lists the pod's cluster explicitly beside the kubeconfig directory, without making it active", async () => {
    const r = await ts.call("clusters_list", { show_details: true });
    const s = r.structuredContent as unknown as ListStructured;
    expect(s.clusters.map((c) => c.name)).toEqual([...cp.clusters.map((c) => c.name), "in-cluster"].sort());
    const own = s.clusters.find((c) => c.name === "in-cluster");
    expect(own).toMatchObject({ source: "in-cluster", namespace: ns, server: pod.server.replace(/\/$/, "") });
    // A configured kubeconfig is never displaced: no default_cluster, so nothing is active.
    expect(s.active).toBeNull();
    expect(resultText(r)).toContain("'in-cluster' is this pod's own cluster");
  });

  it("calls the pod's cluster as its service account, in the pod's namespace by default", async () => {
    const got = await ts.call("resources_get", {
      cluster: "in-cluster",
      apiVersion: "v1",
      kind: "ConfigMap",
      name: "pod-side",
    });
    expect(got.isError).toBeFalsy();
    expect(resultText(got)).toContain("pod-side");
    // The Role has no Secrets: the apiserver sees the service account, not an admin.
    const secrets = await ts.call("resources_list", {
      cluster: "in-cluster",
      apiVersion: "v1",
      kind: "Secret",
      namespace: ns,
    });
    expect(secrets.isError).toBe(true);
    expect(resultText(secrets)).toContain(`system:serviceaccount:${ns}:mcp`);
  });

  it("re-reads the token when it is rotated: the next call uses the new one", async () => {
    const args = { cluster: "in-cluster", apiVersion: "v1", kind: "ConfigMap", name: "pod-side" };
    await writeFile(join(saDir, "token"), await tokenFor(pod, ns, "nobody"));
    const denied = await ts.call("resources_get", args);
    expect(denied.isError).toBe(true);
    expect(resultText(denied)).toContain(`system:serviceaccount:${ns}:nobody`);
    await writeFile(join(saDir, "token"), await tokenFor(pod, ns, "mcp"));
    const again = await ts.call("resources_get", args);
    expect(again.isError).toBeFalsy();
    expect(resultText(again)).toContain("pod-side");
    // The tokens never reach logs or the audit trail.
    const token = (await import("node:fs")).readFileSync(join(saDir, "token"), "utf8");
    expect(ts.logs.join("\n")).not.toContain(token);
    expect(JSON.stringify(ts.records)).not.toContain(token);
  });
});

describe("in-cluster mode: when the pod's cluster is absent, alone, renamed or shadowed", () => {
  let saDir: string;
  let kcDir: string;
  beforeAll(async () => {
    const ns = await freshNamespace(pod, "incluster2");
    await create(pod, `/api/v1/namespaces/${ns}/serviceaccounts`, { metadata: { name: "mcp" } });
    saDir = await mkdtemp(join(tmpdir(), "k8s-mcp-sa-"));
    await writeFile(join(saDir, "token"), await tokenFor(pod, ns, "mcp"));
    await writeFile(join(saDir, "ca.crt"), pod.ca);
    await writeFile(join(saDir, "namespace"), ns);
    kcDir = await mkdtemp(join(tmpdir(), "k8s-mcp-kc-"));
  });
  afterAll(async () => {
    await rm(saDir, { recursive: true, force: true });
    await rm(kcDir, { recursive: true, force: true });
  });

  async function listWith(input: Record<string, unknown>, env = podEnv(pod)): Promise<ListStructured> {
    const ts = await startTestServer(
      { auto_discovery: false, ...input },
      env,
      {},
      { serviceAccountDir: saDir },
    );
    try {
      return (await ts.call("clusters_list", {})).structuredContent as unknown as ListStructured;
    } finally {
      await ts.close();
    }
  }

  it("is the active cluster when it is the only one", async () => {
    const s = await listWith({ kubeconfig_dir: kcDir });
    expect(s.clusters.map((c) => c.name)).toEqual(["in-cluster"]);
    expect(s.active).toBe("in-cluster");
  });

  it("is off with in_cluster = false, and outside a pod", async () => {
    expect((await listWith({ kubeconfig_dir: kcDir, in_cluster: false })).clusters).toEqual([]);
    expect((await listWith({ kubeconfig_dir: kcDir }, {})).clusters).toEqual([]);
  });

  it("takes in_cluster_name, and honours cluster filters", async () => {
    const s = await listWith({ kubeconfig_dir: kcDir, in_cluster_name: "home" });
    expect(s.clusters.map((c) => c.name)).toEqual(["home"]);
    const hidden = await listWith({ kubeconfig_dir: kcDir, exclude_clusters: ["in-*"] });
    expect(hidden.clusters).toEqual([]);
  });

  it("never replaces a kubeconfig cluster of the same name: the file wins, the clash is reported", async () => {
    const { readFile } = await import("node:fs/promises");
    await writeFile(join(kcDir, "in-cluster.yaml"), await readFile(cp.clusters[1]?.kubeconfig ?? "", "utf8"));
    const s = await listWith({ kubeconfig_dir: kcDir });
    expect(s.clusters).toHaveLength(1);
    expect(s.problems.map((p) => p.kind)).toContain("collision");
    const ts = await startTestServer(
      { kubeconfig_dir: kcDir },
      podEnv(pod),
      {},
      { serviceAccountDir: saDir },
    );
    try {
      const d = (await ts.call("clusters_list", { show_details: true }))
        .structuredContent as unknown as ListStructured;
      expect(d.clusters[0]).toMatchObject({ name: "in-cluster", source: "dir" });
    } finally {
      await ts.close();
    }
  });
});
