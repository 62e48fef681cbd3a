// The Helm chart with real helm v4 against a real apiserver: lint, a matrix of values rendered and applied with a
// server-side dry run, the rendered TOML loaded by the server's own config loader, and install/upgrade/uninstall.
// No kubelet runs here, so pods never start: assertions are on the objects the apiserver stores.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { checkTeamSetup } from "../../../src/auth/settings.js";
import { addConfigOptions, controlFlags, flagOverrides, loadConfig } from "../../../src/config/index.js";
import type { TestCluster } from "../../harness/controlplane.js";
import { apiRequest } from "../../harness/https.js";
import {
  CHART_DIR,
  helm,
  installGatewayApiCrd,
  type K8sObject,
  objectPath,
  renderChart,
  serverDryRunApply,
  valuesFile,
} from "../../helpers/chart.js";
import { admin, create, freshNamespace, statusOf, waitUntil } from "../../helpers/cluster-api.js";

const cp = inject("controlplane");
const c = cp.clusters[0] as TestCluster;

const kinds = (objs: K8sObject[]): string[] => objs.map((o) => o.kind).sort();
const one = (objs: K8sObject[], kind: string): K8sObject => {
  const found = objs.filter((o) => o.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0] as K8sObject;
};

// The pod's view of the configuration, read the way the server reads it: the container's own arguments through
// the CLI's option parser (flags win over the file), the rendered TOML as --config, the chart's environment, and
// the start-up checks of the team settings. Files the pod mounts are mapped to local copies (`files`).
async function renderedConfig(objs: K8sObject[], files: Record<string, string> = {}) {
  const dir = await mkdtemp(join(tmpdir(), "chart-toml-"));
  let toml: string = one(objs, "ConfigMap").data["config.toml"];
  for (const [podPath, content] of Object.entries(files)) {
    const local = join(dir, podPath.replaceAll("/", "_"));
    await writeFile(local, content);
    toml = toml.replaceAll(podPath, local);
  }
  const file = join(dir, "config.toml");
  await writeFile(file, toml);
  const container = one(objs, "Deployment").spec.template.spec.containers[0];
  const args = (container.args as string[]).map((a) => (a.startsWith("--config=") ? `--config=${file}` : a));
  const program = addConfigOptions(new Command("k8s-mcp")).exitOverride();
  program.parse(args, { from: "user" });
  const env: Record<string, string> = {};
  for (const e of (container.env ?? []) as { name: string; value?: string }[])
    env[e.name] = e.value ?? `from-secret-${e.name}`;
  const { config } = await loadConfig({
    configPath: controlFlags(program).configPath,
    env,
    flags: flagOverrides(program),
  });
  checkTeamSetup(config);
  return config;
}

const IDP_CA = "/etc/k8s-mcp/idp/ca.pem";
const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

const MATRIX: Record<string, Record<string, unknown>> = {
  defaults: {},
  team: {
    replicaCount: 3,
    kubeconfigDir: { secretName: "fleet-kubeconfigs" },
    httpToken: { secretName: "mcp-token" },
    config: {
      read_only: true,
      max_output_bytes: 100000,
      request_timeout: "20s",
      cluster_aliases: { prod: "c1-sv5" },
      exclude_clusters: ["*-staging"],
      denied_resources: [{ kind: "Secret" }],
      in_cluster_name: "home",
      http_allowed_hosts: ["mcp.example.com"],
    },
    rbac: { readOnly: { enabled: true }, impersonate: { enabled: true, groups: ["sre"] } },
    ingress: {
      enabled: true,
      className: "nginx",
      hosts: [{ host: "mcp.example.com", paths: [{ path: "/mcp", pathType: "Prefix" }] }],
      tls: [{ hosts: ["mcp.example.com"], secretName: "mcp-tls" }],
    },
    httpRoute: {
      enabled: true,
      parentRefs: [{ name: "gw", namespace: "gateways" }],
      hostnames: ["mcp.example.com"],
    },
  },
  // A team server acting as each OAuth user: the identity settings, and the IdP's CA from a mounted Secret.
  identity: {
    replicaCount: 2,
    kubeconfigDir: { secretName: "fleet-kubeconfigs" },
    config: {
      cluster_auth: "impersonate",
      cluster_auth_clusters: { passthrough: ["oidc-*"], server: ["sandbox"] },
      http_user_rate_limit: 120,
      oauth: {
        issuer: "https://idp.example.com/realms/platform",
        audience: "https://mcp.example.com/mcp",
        username_claim: "preferred_username",
        username_prefix: "oidc:",
        ca_file: IDP_CA,
        write_scope: "k8s:admin",
      },
    },
    extraVolumes: [{ name: "idp-ca", secret: { secretName: "idp-ca" } }],
    extraVolumeMounts: [{ name: "idp-ca", mountPath: "/etc/k8s-mcp/idp", readOnly: true }],
    rbac: { impersonate: { enabled: true } },
  },
  existingAccount: {
    serviceAccount: { create: false, name: "default", automountToken: false },
    image: { repository: "registry.example.com/k8s-mcp", digest: `sha256:${"a".repeat(64)}` },
    service: { type: "NodePort", port: 8080, sessionAffinity: "ClientIP" },
    config: { in_cluster: false },
  },
};

describe("the Helm chart (real helm v4, real apiserver)", () => {
  let ns: string;
  beforeAll(async () => {
    ns = await freshNamespace(c, "chart");
    await installGatewayApiCrd(c);
  }, 300_000);

  it("passes helm lint --strict and carries the package's version", async () => {
    const { stdout } = await helm(["lint", "--strict", CHART_DIR]);
    expect(stdout).toContain("0 chart(s) failed");
    for (const values of Object.values(MATRIX)) {
      const linted = await helm(["lint", "--strict", CHART_DIR, "--values", await valuesFile(values)]);
      expect(linted.stdout).toContain("0 chart(s) failed");
    }
    const pkg = JSON.parse(await readFile(new URL("../../../package.json", import.meta.url), "utf8"));
    const chart = await readFile(`${CHART_DIR}/Chart.yaml`, "utf8");
    expect(chart).toContain(`appVersion: "${pkg.version}"`);
  });

  it.each(Object.keys(MATRIX))(
    "renders '%s' into objects the apiserver accepts (server-side dry run)",
    async (name) => {
      const objs = await renderChart(MATRIX[name] ?? {}, ns);
      for (const o of objs) {
        const res = await serverDryRunApply(c, o, ns);
        expect(res.status, `${o.kind} ${o.metadata.name}: ${res.body}`).toBeLessThan(300);
      }
      // A dry run stores nothing.
      expect(await statusOf(c, objectPath(one(objs, "Deployment"), ns))).toBe(404);
    },
  );

  it("defaults: one hardened, probed replica, no RBAC, no PDB, no exposure beyond the Service", async () => {
    const objs = await renderChart({}, ns);
    expect(kinds(objs)).toEqual(["ConfigMap", "Deployment", "Service", "ServiceAccount"]);
    const pod = one(objs, "Deployment").spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    const [container] = pod.containers;
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(container.readinessProbe.httpGet.path).toBe("/readyz");
    expect(container.livenessProbe.httpGet.path).toBe("/healthz");
    expect(container.args).toEqual(["--config=/etc/k8s-mcp/config.toml", "--port=8080", "--host=0.0.0.0"]);
    expect(container.image).toMatch(/^k8s-mcp:\d+\.\d+\.\d+/);
    expect(one(objs, "Deployment").spec.replicas).toBe(1);
    // No volume keeps state: config and kubeconfigs are read-only mounts, /tmp is scratch.
    expect(pod.volumes.map((v: { name: string }) => v.name).sort()).toEqual(["config", "tmp"]);
    expect((await renderedConfig(objs)).read_only).toBe(false);
    // One replica keeps the server's default: 2025-era clients in sessions.
    expect(one(objs, "ConfigMap").data["config.toml"]).not.toContain("http_legacy");
    expect((await renderedConfig(objs)).http_legacy).toBe("sessions");
  });

  it("team: replicas with a PDB, the kubeconfig Secret as the directory, opt-in RBAC, Ingress and HTTPRoute", async () => {
    const objs = await renderChart(MATRIX.team ?? {}, ns);
    expect(kinds(objs)).toEqual([
      "ClusterRole",
      "ClusterRole",
      "ClusterRoleBinding",
      "ClusterRoleBinding",
      "ClusterRoleBinding",
      "ConfigMap",
      "Deployment",
      "HTTPRoute",
      "Ingress",
      "PodDisruptionBudget",
      "Service",
      "ServiceAccount",
    ]);
    const deploy = one(objs, "Deployment");
    expect(deploy.spec.replicas).toBe(3);
    const container = deploy.spec.template.spec.containers[0];
    expect(container.args).toContain("--kubeconfig-dir=/etc/k8s-mcp/kubeconfigs");
    expect(deploy.spec.template.spec.volumes).toContainEqual({
      name: "kubeconfigs",
      secret: { secretName: "fleet-kubeconfigs", defaultMode: 0o440 },
    });
    expect(container.env).toContainEqual({
      name: "K8S_MCP_HTTP_TOKEN",
      valueFrom: { secretKeyRef: { name: "mcp-token", key: "token" } },
    });
    const impersonate = objs.find(
      (o) => o.metadata.name === "rel-k8s-mcp-impersonate" && o.kind === "ClusterRole",
    );
    expect(impersonate?.rules).toEqual([
      { apiGroups: [""], resources: ["users"], verbs: ["impersonate"] },
      { apiGroups: [""], resources: ["groups"], verbs: ["impersonate"], resourceNames: ["sre"] },
    ]);
    // The config map is read by the server's own loader: the TOML means what the values said.
    const config = await renderedConfig(objs);
    expect(config).toMatchObject({
      read_only: true,
      max_output_bytes: 100000,
      request_timeout: "20s",
      cluster_aliases: { prod: "c1-sv5" },
      exclude_clusters: ["*-staging"],
      denied_resources: [{ group: "", kind: "Secret" }],
      in_cluster_name: "home",
      // Three replicas: any of them answers any request, in both protocol eras.
      http_legacy: "stateless",
    });
  });

  it("identity: [oauth], cluster_auth, per-cluster modes and the user rate limit reach the server as given", async () => {
    const objs = await renderChart(MATRIX.identity ?? {}, ns);
    const config = await renderedConfig(objs, { [IDP_CA]: PEM });
    expect(config).toMatchObject({
      port: 8080,
      host: "0.0.0.0",
      kubeconfig_dir: "/etc/k8s-mcp/kubeconfigs",
      http_legacy: "stateless",
      cluster_auth: "impersonate",
      cluster_auth_clusters: { passthrough: ["oidc-*"], impersonate: [], server: ["sandbox"] },
      http_user_rate_limit: 120,
      oauth: {
        issuer: "https://idp.example.com/realms/platform",
        audience: "https://mcp.example.com/mcp",
        username_claim: "preferred_username",
        groups_claim: "groups",
        username_prefix: "oidc:",
        read_scope: "k8s:read",
        write_scope: "k8s:admin",
      },
    });
    expect(config.http_token).toBeUndefined();
    // The CA the config names is where the chart mounts the Secret.
    const pod = one(objs, "Deployment").spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: "idp-ca", secret: { secretName: "idp-ca" } });
    expect(pod.containers[0].volumeMounts).toContainEqual({
      name: "idp-ca",
      mountPath: "/etc/k8s-mcp/idp",
      readOnly: true,
    });
    expect(IDP_CA.startsWith("/etc/k8s-mcp/idp/")).toBe(true);
  });

  it("refuses at render time what the server would refuse at start-up (no crash-looping pods)", async () => {
    const oauth = { issuer: "https://idp.example.com", audience: "https://mcp.example.com/mcp" };
    await expect(
      renderChart({ httpToken: { secretName: "mcp-token" }, config: { oauth } }, ns),
    ).rejects.toThrow(/httpToken.secretName and config.oauth are exclusive/);
    await expect(renderChart({ config: { cluster_auth: "passthrough" } }, ns)).rejects.toThrow(
      /config.cluster_auth = "passthrough" acts as the calling user, which needs config.oauth/,
    );
    // The server's own checks agree: the same settings with the token as the chart passes it are refused.
    const ok = await renderChart({ config: { oauth } }, ns);
    const withToken = structuredClone(ok);
    one(withToken, "Deployment").spec.template.spec.containers[0].env = [{ name: "K8S_MCP_HTTP_TOKEN" }];
    await expect(renderedConfig(withToken)).rejects.toThrow(/http_token and \[oauth\] are both set/);
    await expect(renderedConfig(ok)).resolves.toMatchObject({ oauth });
  });

  it("replicas: http_legacy as chosen, sessions with affinity honoured, and a warning when affinity is missing", async () => {
    const sessions = { replicaCount: 2, config: { http_legacy: "sessions" } };
    const sticky = { ...sessions, service: { sessionAffinity: "ClientIP" } };
    const objs = await renderChart(sticky, ns);
    expect((await renderedConfig(objs)).http_legacy).toBe("sessions");
    expect(one(objs, "Service").spec.sessionAffinity).toBe("ClientIP");
    const single = await renderChart({ config: { http_legacy: "stateless" } }, ns);
    expect((await renderedConfig(single)).http_legacy).toBe("stateless");
    // The release notes (helm's client-side dry run prints them) warn only about sessions without affinity.
    const notes = async (values: Record<string, unknown>) =>
      (
        await helm(["install", "rel", CHART_DIR, "--dry-run=client", "--values", await valuesFile(values)])
      ).stdout.split("NOTES:")[1] ?? "";
    const warning = 'WARNING: config.http_legacy = "sessions" with 2 replicas';
    expect(await notes(sessions)).toContain(warning);
    expect(await notes(sticky)).not.toContain(warning);
    expect(await notes({ replicaCount: 2 })).not.toContain("http_legacy");
  });

  it("values.schema.json refuses wrong values before anything is rendered", async () => {
    for (const bad of [
      { replicaCount: "three" },
      { kubeconfigDir: { secretName: 7 } },
      { replicaCuont: 2 },
      { config: { http_legacy: "sticky" } },
      { config: { cluster_auth: "kubeconfig" } },
    ]) {
      await expect(renderChart(bad, ns)).rejects.toThrow(
        /replicaCount|secretName|replicaCuont|http_legacy|cluster_auth/,
      );
    }
  });

  describe("helm install, upgrade and uninstall", () => {
    let kubeconfig: string;
    beforeAll(async () => {
      kubeconfig = c.kubeconfig;
      await create(c, `/api/v1/namespaces/${ns}/configmaps`, {
        metadata: { name: "bystander" },
        data: { k: "v" },
      });
    });
    afterAll(async () => {
      await helm(["uninstall", "rel", "--namespace", ns, "--kubeconfig", kubeconfig]).catch(() => undefined);
    });

    const get = async (path: string) => (await apiRequest(admin(c), "GET", path)).json<K8sObject>();
    const deployPath = () => `/apis/apps/v1/namespaces/${ns}/deployments/rel-k8s-mcp`;
    const pdbPath = () => `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/rel-k8s-mcp`;
    const bindingPath = "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/rel-k8s-mcp-view";

    it("installs, upgrades to two replicas with RBAC, and uninstalls leaving the rest of the namespace", async () => {
      const base = ["--namespace", ns, "--kubeconfig", kubeconfig];
      await helm([
        "install",
        "rel",
        CHART_DIR,
        ...base,
        "--values",
        await valuesFile({ config: { read_only: true } }),
      ]);
      expect((await get(deployPath())).spec.replicas).toBe(1);
      const cm = await get(`/api/v1/namespaces/${ns}/configmaps/rel-k8s-mcp`);
      expect(cm.data["config.toml"]).toContain("read_only = true");
      expect(cm.data["config.toml"]).not.toContain("http_legacy");
      expect(await statusOf(c, `/api/v1/namespaces/${ns}/serviceaccounts/rel-k8s-mcp`)).toBe(200);
      expect(await statusOf(c, pdbPath())).toBe(404);
      expect(await statusOf(c, bindingPath)).toBe(404);
      const before = (await get(deployPath())).spec.template.metadata.annotations["checksum/config"];

      const upgrade = {
        replicaCount: 2,
        config: { read_only: false },
        rbac: { readOnly: { enabled: true } },
      };
      await helm(["upgrade", "rel", CHART_DIR, ...base, "--values", await valuesFile(upgrade)]);
      const deploy = await get(deployPath());
      expect(deploy.spec.replicas).toBe(2);
      const scaled = await get(`/api/v1/namespaces/${ns}/configmaps/rel-k8s-mcp`);
      expect(scaled.data["config.toml"]).toContain('http_legacy = "stateless"');
      // A changed configuration changes the pod template, so the pods roll.
      expect(deploy.spec.template.metadata.annotations["checksum/config"]).not.toBe(before);
      expect(await statusOf(c, pdbPath())).toBe(200);
      const binding = await get(bindingPath);
      expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "rel-k8s-mcp", namespace: ns }]);
      const { stdout } = await helm(["history", "rel", ...base, "--output", "json"]);
      expect((JSON.parse(stdout) as unknown[]).length).toBe(2);

      await helm(["uninstall", "rel", ...base]);
      await waitUntil(
        "the release's objects to be deleted",
        async () => (await statusOf(c, deployPath())) === 404,
      );
      for (const path of [pdbPath(), bindingPath, `/api/v1/namespaces/${ns}/configmaps/rel-k8s-mcp`]) {
        await waitUntil(`${path} deleted`, async () => (await statusOf(c, path)) === 404);
      }
      // What the release did not own is untouched.
      expect((await get(`/api/v1/namespaces/${ns}/configmaps/bystander`)).data).toEqual({ k: "v" });
      expect(await statusOf(c, `/api/v1/namespaces/${ns}`)).toBe(200);
    });
  });
});
