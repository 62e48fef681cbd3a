// The Helm chart under test: helm runs (real helm v4), rendering to objects, and server-side dry-run applies.
import { execFile } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import type { TestCluster } from "../harness/controlplane.js";
import { ensureHelm } from "../harness/helm.js";
import { type ApiResponse, apiRequest } from "../harness/https.js";
import { admin } from "./cluster-api.js";

const run = promisify(execFile);

/** Why: the chart's folder in this checkout. */
export const CHART_DIR: string = fileURLToPath(new URL("../../charts/k8s-mcp", import.meta.url));

/** Why: one rendered Kubernetes object, loosely typed for assertions. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are inspected field by field in tests
  [field: string]: any;
}

/** Why: runs helm with its state in a private folder (no user config, cache or repositories). */
export async function helm(args: string[], timeoutMs = 120_000): Promise<{ stdout: string; stderr: string }> {
  const bin = await ensureHelm();
  const home = await mkdtemp(join(tmpdir(), "helm-home-"));
  return run(bin, args, {
    timeout: timeoutMs,
    maxBuffer: 16 * 1024 * 1024,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: home,
      HELM_CACHE_HOME: join(home, "cache"),
      HELM_CONFIG_HOME: join(home, "config"),
      HELM_DATA_HOME: join(home, "data"),
    },
  });
}

/** Why: `helm template` of the chart with values given as JSON (exactly what --set-json / a values file carry). */
export async function renderChart(
  values: Record<string, unknown>,
  namespace = "default",
): Promise<K8sObject[]> {
  const { stdout } = await helm([
    "template",
    "rel",
    CHART_DIR,
    "--namespace",
    namespace,
    "--values",
    await valuesFile(values),
  ]);
  return parseAllDocuments(stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** Why: values reach helm as a file, as users pass them (helm reads JSON as YAML). */
export async function valuesFile(values: Record<string, unknown>): Promise<string> {
  const { writeFile } = await import("node:fs/promises");
  const file = join(await mkdtemp(join(tmpdir(), "chart-values-")), "values.yaml");
  await writeFile(file, JSON.stringify(values));
  return file;
}

const RESOURCES: Record<string, { base: string; namespaced: boolean }> = {
  "v1/ConfigMap": { base: "/api/v1", namespaced: true },
  "v1/Service": { base: "/api/v1", namespaced: true },
  "v1/ServiceAccount": { base: "/api/v1", namespaced: true },
  "apps/v1/Deployment": { base: "/apis/apps/v1", namespaced: true },
  "policy/v1/PodDisruptionBudget": { base: "/apis/policy/v1", namespaced: true },
  "networking.k8s.io/v1/Ingress": { base: "/apis/networking.k8s.io/v1", namespaced: true },
  "gateway.networking.k8s.io/v1/HTTPRoute": { base: "/apis/gateway.networking.k8s.io/v1", namespaced: true },
  "rbac.authorization.k8s.io/v1/ClusterRole": {
    base: "/apis/rbac.authorization.k8s.io/v1",
    namespaced: false,
  },
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": {
    base: "/apis/rbac.authorization.k8s.io/v1",
    namespaced: false,
  },
};

/** Why: the API path of a rendered object (the test fails on a kind it does not know). */
export function objectPath(o: K8sObject, namespace: string): string {
  const r = RESOURCES[`${o.apiVersion}/${o.kind}`];
  if (!r) throw new Error(`no API path known for ${o.apiVersion} ${o.kind}`);
  const plural = `${o.kind.toLowerCase()}${o.kind.endsWith("s") ? "es" : "s"}`;
  const scope = r.namespaced ? `/namespaces/${namespace}` : "";
  return `${r.base}${scope}/${plural}/${o.metadata.name}`;
}

/** Why: the apiserver's own validation (schemas, defaults, admission) of an object, changing nothing. */
export function serverDryRunApply(c: TestCluster, o: K8sObject, namespace: string): Promise<ApiResponse> {
  const path = `${objectPath(o, namespace)}?fieldManager=chart-test&force=true&dryRun=All`;
  return apiRequest(admin(c), "PATCH", path, JSON.stringify(o), "application/apply-patch+yaml");
}

/**
 * Why: HTTPRoute needs the Gateway API CRDs; they come from the sigs.k8s.io/gateway-api Go module (the Go module
 * proxy is how this project gets Kubernetes itself), installed once per cluster.
 */
export async function installGatewayApiCrd(c: TestCluster): Promise<void> {
  const version = "v1.3.0";
  const { stdout } = await run("go", ["mod", "download", "-json", `sigs.k8s.io/gateway-api@${version}`], {
    cwd: tmpdir(),
    timeout: 300_000,
    env: { ...process.env, GOFLAGS: "" },
  });
  const dir = (JSON.parse(stdout) as { Dir: string }).Dir;
  const text = await readFile(
    join(dir, "config/crd/standard/gateway.networking.k8s.io_httproutes.yaml"),
    "utf8",
  );
  const crd = parseAllDocuments(text)[0]?.toJS() as K8sObject;
  const res = await apiRequest(
    admin(c),
    "PATCH",
    `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}?fieldManager=chart-test&force=true`,
    JSON.stringify(crd),
    "application/apply-patch+yaml",
  );
  if (res.status >= 300) throw new Error(`installing ${crd.metadata.name}: ${res.status} ${res.body}`);
}
