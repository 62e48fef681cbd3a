// Generic resource tools on a non-default cluster: routing, apply/get/list/scale/delete, CRDs, paging, errors.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freshNamespace, statusOf, waitUntil } from "../helpers/cluster-api.js";
import { resultText, startTestServer, type TestServer } from "../helpers/mcp.js";

const cp = inject("controlplane");
const [sv5, lax1] = cp.clusters;

describe("resources_* on a non-default cluster", () => {
  let ts: TestServer;
  let ns: string;
  beforeAll(async () => {
    ns = await freshNamespace(lax1!, "res");
    ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, default_cluster: "c1-sv5" });
  });
  afterAll(async () => ts?.close());

  it("creates on the named cluster only, and reads it back without managedFields", async () => {
    const manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: routed\n  namespace: ${ns}\ndata:\n  where: lax1\n`;
    const res = await ts.call("resources_create_or_update", { cluster: "c1-lax1", resource: manifest });
    expect(res.isError).toBeFalsy();
    expect(resultText(res)).toContain(`ConfigMap ${ns}/routed`);
    expect(await statusOf(lax1!, `/api/v1/namespaces/${ns}/configmaps/routed`)).toBe(200);
    expect(await statusOf(sv5!, `/api/v1/namespaces/${ns}/configmaps/routed`)).toBe(404);
    const got = await ts.text("resources_get", {
      cluster: "c1-lax1",
      apiVersion: "v1",
      kind: "ConfigMap",
      name: "routed",
      namespace: ns,
    });
    expect(got).toContain("where: lax1");
    expect(got).not.toContain("managedFields");
    const onDefault = await ts.call("resources_get", {
      apiVersion: "v1",
      kind: "ConfigMap",
      name: "routed",
      namespace: ns,
    });
    expect(onDefault.isError).toBe(true);
    expect(resultText(onDefault)).toMatch(/on cluster 'c1-sv5': 404 NotFound: .*Try: check the name/);
  });

  it("applies several documents, scales a Deployment, lists it as a table and deletes it", async () => {
    const manifest = [
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ${ns}, labels: {app: web}}`,
      "spec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}",
      "  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: 'nginx:1.27'}]}",
      "---",
      `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: ${ns}}\nspec: {selector: {app: web}, ports: [{port: 80}]}`,
    ].join("\n");
    const applied = await ts.call("resources_create_or_update", { cluster: "c1-lax1", resource: manifest });
    expect(resultText(applied)).toMatch(/Deployment .*\/web, Service .*\/web/);
    const scaled = await ts.call("resources_scale", {
      cluster: "c1-lax1",
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "web",
      namespace: ns,
      scale: 3,
    });
    expect(resultText(scaled)).toContain("from 1 to 3");
    const read = await ts.call("resources_scale", {
      cluster: "c1-lax1",
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "web",
      namespace: ns,
    });
    expect(read.structuredContent).toMatchObject({ replicas: 3 });
    const list = await ts.body("resources_list", {
      cluster: "c1-lax1",
      apiVersion: "apps/v1",
      kind: "Deployment",
      namespace: ns,
    });
    expect(list).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);
    expect(list).toMatch(/\nweb\s+0\/3/);
    const all = await ts.body("resources_list", { cluster: "c1-lax1", apiVersion: "v1", kind: "Service" });
    expect(all).toMatch(/^NAMESPACE\s+NAME\s+TYPE/);
    expect(all).toContain(ns);
    const del = await ts.call("resources_delete", {
      cluster: "c1-lax1",
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "web",
      namespace: ns,
    });
    expect(resultText(del)).toContain(`Deleted Deployment ${ns}/web on cluster 'c1-lax1'`);
    await waitUntil(
      "deployment gone",
      async () => (await statusOf(lax1!, `/apis/apps/v1/namespaces/${ns}/deployments/web`)) === 404,
    );
  });

  it("turns a 422 into a message that names the invalid field", async () => {
    const bad = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: broken, namespace: ${ns}}\nspec: {replicas: 1, template: {spec: {containers: []}}}`;
    const res = await ts.call("resources_create_or_update", { cluster: "c1-lax1", resource: bad });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(
      /on cluster 'c1-lax1': 422 Invalid: .*spec\.selector.*Try: the object is invalid/,
    );
  });

  it("applies nothing when the dry run refuses any document, and names it", async () => {
    const manifest = [
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: partial-ok, namespace: ${ns}}`,
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: partial-bad, namespace: ${ns}}\nspec: {replicas: 1, template: {spec: {containers: []}}}`,
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: partial-never, namespace: ${ns}}`,
    ].join("\n---\n");
    const res = await ts.call("resources_create_or_update", { cluster: "c1-lax1", resource: manifest });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(
      /nothing applied: the check of all 3 documents before the first write \(a server-side dry run\) refused 1:\n- document 2 \(Deployment .*\/partial-bad\): 422 Invalid: .*\napplied: none\nnot attempted: the other 2 \(see notAttempted\)/,
    );
    expect(res.structuredContent).toMatchObject({
      applied: [],
      failed: [{ index: 2, kind: "Deployment", name: "partial-bad" }],
      notAttempted: [
        { index: 1, name: "partial-ok" },
        { index: 3, name: "partial-never" },
      ],
    });
    expect(await statusOf(lax1!, `/api/v1/namespaces/${ns}/configmaps/partial-ok`)).toBe(404);
    expect(await statusOf(lax1!, `/api/v1/namespaces/${ns}/configmaps/partial-never`)).toBe(404);
  });

  it("explains bad apiVersion, unknown kinds and malformed YAML", async () => {
    const badVersion = await ts.call("resources_list", {
      cluster: "c1-lax1",
      apiVersion: "nope.example.com/v9",
      kind: "Thing",
    });
    expect(resultText(badVersion)).toMatch(/does not serve nope\.example\.com\/v9.*CRD may not be installed/);
    const badKind = await ts.call("resources_list", {
      cluster: "c1-lax1",
      apiVersion: "apps/v1",
      kind: "Deploymint",
    });
    expect(resultText(badKind)).toMatch(/no kind 'Deploymint'.*Deployment/);
    const badYaml = await ts.call("resources_create_or_update", {
      cluster: "c1-lax1",
      resource: "kind: [unclosed",
    });
    expect(resultText(badYaml)).toMatch(/not valid YAML/);
    const noName = await ts.call("resources_create_or_update", {
      cluster: "c1-lax1",
      resource: "apiVersion: v1\nkind: ConfigMap\n",
    });
    expect(resultText(noName)).toMatch(/needs apiVersion, kind and metadata.name/);
  });

  it("serves CRDs through discovery, refreshed when a new kind appears", async () => {
    const group = "k8smcp.example.com";
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.${group}}
spec:
  group: ${group}
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}`;
    expect(
      (await ts.call("resources_create_or_update", { cluster: "c1-lax1", resource: crd })).isError,
    ).toBeFalsy();
    await waitUntil("CRD in discovery", async () => (await statusOf(lax1!, `/apis/${group}/v1`)) === 200);
    const cr = `apiVersion: ${group}/v1\nkind: Gadget\nmetadata: {name: g1, namespace: ${ns}}\nspec: {size: 3}`;
    const created = await ts.call("resources_create_or_update", { cluster: "c1-lax1", resource: cr });
    expect(resultText(created)).toContain(`Gadget ${ns}/g1`);
    const list = await ts.text("resources_list", {
      cluster: "c1-lax1",
      apiVersion: `${group}/v1`,
      kind: "Gadget",
    });
    expect(list).toMatch(new RegExp(`${ns}\\s+g1\\s+\\d+s`));
    const missing = await ts.call("resources_list", {
      cluster: "c1-sv5",
      apiVersion: `${group}/v1`,
      kind: "Gadget",
    });
    expect(missing.isError).toBe(true);
  });

  it("pages long lists with limit/continue", async () => {
    for (let i = 0; i < 7; i++) {
      await ts.call("resources_create_or_update", {
        cluster: "c1-lax1",
        resource: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: page-${i}, namespace: ${ns}, labels: {paging: "yes"}}`,
      });
    }
    const args = {
      cluster: "c1-lax1",
      apiVersion: "v1",
      kind: "ConfigMap",
      namespace: ns,
      labelSelector: "paging=yes",
      limit: 3,
    };
    const first = await ts.call("resources_list", args);
    const token = (first.structuredContent as { continue: string | null }).continue;
    expect(token).toBeTruthy();
    expect(resultText(first)).toMatch(
      /this page has 3 item\(s\); more available( \(\d+ more\))?: call again with continue="/,
    );
    const second = await ts.call("resources_list", { ...args, continue: token });
    const firstNames: string[] = resultText(first).match(/page-\d/g) ?? [];
    const secondNames: string[] = resultText(second).match(/page-\d/g) ?? [];
    expect(firstNames).toHaveLength(3);
    expect(secondNames).toHaveLength(3);
    expect(secondNames.some((n) => firstNames.includes(n))).toBe(false);
  });

  it("lists namespaces and events of the named cluster", async () => {
    expect(await ts.text("namespaces_list", { cluster: "c1-lax1" })).toContain(ns);
    expect(await ts.text("namespaces_list", { cluster: "c1-sv5" })).not.toContain(ns);
    const ev = {
      metadata: { name: "ev1", namespace: ns },
      involvedObject: { kind: "ConfigMap", name: "routed", namespace: ns },
      reason: "Testing",
      message: "planted by the test",
      type: "Warning",
      firstTimestamp: new Date().toISOString(),
      lastTimestamp: new Date().toISOString(),
      count: 1,
    };
    const { create } = await import("../helpers/cluster-api.js");
    await create(lax1!, `/api/v1/namespaces/${ns}/events`, ev);
    const events = await ts.text("events_list", { cluster: "c1-lax1", namespace: ns });
    expect(events).toMatch(/Warning\s+Testing\s+configmap\/routed\s+planted by the test/);
    expect(await ts.text("events_list", { cluster: "c1-sv5", namespace: ns })).toMatch(/No Event found/);
  });

  it("lists as YAML when list_output = yaml", async () => {
    const y = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, list_output: "yaml" });
    try {
      const text = await y.text("resources_list", {
        cluster: "c1-lax1",
        apiVersion: "v1",
        kind: "ConfigMap",
        namespace: ns,
        labelSelector: "paging=yes",
      });
      // The cluster line is a YAML comment: the text is still the YAML list.
      expect(text).toMatch(/^# cluster c1-lax1 · \d+ configmaps\n- apiVersion: v1\n {2}kind: ConfigMap/);
      expect(text).toContain("name: page-0");
      expect(text).not.toContain("managedFields");
    } finally {
      await y.close();
    }
  });

  it("keeps the paging note (continue token) even when the page itself is truncated", async () => {
    const small = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, max_output_bytes: 60 });
    try {
      const args = {
        cluster: "c1-lax1",
        apiVersion: "v1",
        kind: "ConfigMap",
        namespace: ns,
        labelSelector: "paging=yes",
        limit: 5,
      };
      const res = await small.call("resources_list", args);
      const text = resultText(res);
      // Rows that do not fit are left to the next page (never cut and skipped by the token).
      expect(text).toMatch(/page shortened to [1-4] of 5 rows to fit max_output_bytes; nothing was skipped/);
      const token = (res.structuredContent as { continue: string }).continue;
      expect(text).toContain(`continue="${token}"`);
    } finally {
      await small.close();
    }
  });

  it("reads manifests as YAML 1.1 like kubectl: 0400 is octal", async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata: {name: octal, namespace: ${ns}}
spec:
  containers: [{name: c, image: busybox, volumeMounts: [{name: s, mountPath: /s}]}]
  volumes: [{name: s, secret: {secretName: x, defaultMode: 0400}}]`;
    const res = await ts.call("resources_create_or_update", { cluster: "c1-lax1", resource: manifest });
    expect(res.isError).toBeFalsy();
    const { apiRequest } = await import("../harness/https.js");
    const { admin } = await import("../helpers/cluster-api.js");
    const pod = (await apiRequest(admin(lax1!), "GET", `/api/v1/namespaces/${ns}/pods/octal`)).json<{
      spec: { volumes: { secret: { defaultMode: number } }[] };
    }>();
    expect(pod.spec.volumes[0]?.secret.defaultMode).toBe(0o400);
  });

  it("truncates big outputs with a note on how to narrow", async () => {
    const small = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, max_output_bytes: 300 });
    try {
      const text = await small.text("resources_list", {
        cluster: "c1-lax1",
        apiVersion: "v1",
        kind: "ConfigMap",
      });
      expect(Buffer.byteLength(text)).toBeLessThan(600);
      expect(text).toMatch(/page shortened to \d+ of \d+ rows to fit max_output_bytes/);
      expect(text).toMatch(/narrow with namespace, labelSelector or fieldSelector\)/);
    } finally {
      await small.close();
    }
  });
});
