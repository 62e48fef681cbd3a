// Direct access to a test cluster (bypassing the server under test), to set up and verify state.

import { vi } from "vitest";
import type { TestCluster } from "../harness/controlplane.js";
import { type ApiResponse, type ApiTarget, apiRequest } from "../harness/https.js";

/** Why: the admin identity of a test cluster as an ApiTarget. */
export function admin(c: TestCluster): ApiTarget {
  return { server: c.server, ca: c.ca, token: c.adminToken };
}

/** Why: creates an object and fails the test setup loudly if the API refuses. */
export async function create(c: TestCluster, path: string, body: unknown): Promise<ApiResponse> {
  const res = await apiRequest(admin(c), "POST", path, body);
  if (res.status !== 201) throw new Error(`create ${path} on ${c.name}: ${res.status} ${res.body}`);
  return res;
}

/** Why: the HTTP status of a GET, to assert presence (200) or absence (404) on a cluster. */
export async function statusOf(c: TestCluster, path: string): Promise<number> {
  return (await apiRequest(admin(c), "GET", path)).status;
}

/** Why: waits for a named condition, bounded (CRDs, deletions, sessions, refreshes complete asynchronously). */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  await vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 25 },
  );
}

/** Why: a fresh namespace per test file keeps files independent. */
export async function freshNamespace(c: TestCluster, prefix: string): Promise<string> {
  const name = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  await create(c, "/api/v1/namespaces", { metadata: { name } });
  return name;
}

/** Why: a namespaced CustomResourceDefinition `<plural>.<group>` (v1, schemaless), the body tests install. */
export function crdBody(group: string, plural: string, kind: string): Record<string, unknown> {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: "Namespaced",
      names: { plural, singular: kind.toLowerCase(), kind },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
        },
      ],
    },
  };
}

/** Why: a minimal Deployment (label app=<name>, one nginx container) for scale and write tests to create directly. */
export function deploymentBody(name: string, replicas: number): Record<string, unknown> {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "w", image: "nginx" }] },
      },
    },
  };
}

/** Why: a workload's replicas read straight from the cluster (its scale subresource), behind the server's back. */
export async function replicasOf(c: TestCluster, ns: string, deployment: string): Promise<number> {
  const res = await apiRequest(
    admin(c),
    "GET",
    `/apis/apps/v1/namespaces/${ns}/deployments/${deployment}/scale`,
  );
  return res.json<{ spec: { replicas: number } }>().spec.replicas;
}
