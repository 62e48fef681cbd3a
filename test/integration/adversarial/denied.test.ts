// Adversarial: denied kinds are unreachable through every tool and every spelling of kind, name or apiVersion,
// on a real apiserver behind a RECORDING PROXY (no request ever reaches a denied resource's path).
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { create, freshNamespace } from "../../helpers/cluster-api.js";
import { writeKubeconfig } from "../../helpers/fleet.js";
import { resultText, startTestServer, type TestServer } from "../../helpers/mcp.js";
import { changes, expectRefused, HOSTILE_API_VERSIONS, type Snapshot, snapshot } from "./hostile.js";
import { type RecordingProxy, startRecordingProxy } from "./recording-proxy.js";

const cp = inject("controlplane");
const sv5 = cp.clusters[0]!;
const PLANT = "planted-value-7c1f";
const DENIED = /denied by this server's configuration \(denied_resources\)/;
const RBAC = "rbac.authorization.k8s.io/v1";
const CM_SPELLINGS = [
  "ConfigMap",
  "configmap",
  "CONFIGMAP",
  "configMap",
  "configmaps",
  "ConfigMaps",
  "cm",
  "CM",
];
const POD_SPELLINGS = ["Pod", "pod", "POD", "pods", "po"];
const ROLE_SPELLINGS = ["Role", "role", "roles", "ROLES"];

describe("denied_resources holds for every tool and spelling", () => {
  let ts: TestServer;
  let proxy: RecordingProxy;
  let ns: string;
  let before: Snapshot;
  const outputs: string[] = [];
  const call = async (
    tool: string,
    args: Record<string, unknown>,
    pattern: RegExp = DENIED,
  ): Promise<void> => {
    outputs.push(await expectRefused(ts.call(tool, args), `${tool} ${JSON.stringify(args)}`, pattern));
  };

  beforeAll(async () => {
    ns = await freshNamespace(sv5, "adv-deny");
    await create(sv5, `/api/v1/namespaces/${ns}/configmaps`, {
      metadata: { name: "hidden" },
      data: { v: PLANT },
    });
    await create(sv5, `/api/v1/namespaces/${ns}/pods`, {
      metadata: { name: "p1", annotations: { note: PLANT } },
      spec: { containers: [{ name: "c", image: "nginx:1.27" }] },
    });
    await create(sv5, `/apis/${RBAC}/namespaces/${ns}/roles`, {
      metadata: { name: "r1", labels: { v: PLANT } },
    });
    proxy = await startRecordingProxy(sv5);
    const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-deny-"));
    for (const name of ["px", "px2"])
      await writeKubeconfig(join(dir, `${name}.yaml`), name, proxy.url, sv5.adminToken);
    ts = await startTestServer({
      kubeconfig_dir: dir,
      default_cluster: "px",
      denied_resources: [
        { kind: "ConfigMap" },
        { kind: "Pod" },
        { group: "rbac.authorization.k8s.io", kind: "Role" },
      ],
    });
    before = await snapshot(sv5, [ns]);
  });
  afterAll(async () => {
    await ts?.close();
    await proxy?.close();
  });

  it("every spelling of a denied kind, in every resources_* tool and in manifests", async () => {
    const kinds: [string, string[]][] = [
      ["v1", CM_SPELLINGS],
      ["v1", POD_SPELLINGS],
      [RBAC, ROLE_SPELLINGS],
    ];
    for (const [apiVersion, spellings] of kinds) {
      for (const kind of spellings) {
        const name = apiVersion === RBAC ? "r1" : kind.toLowerCase().startsWith("c") ? "hidden" : "p1";
        const ref = { apiVersion, kind, name, namespace: ns };
        await call("resources_get", ref);
        await call("resources_list", { apiVersion, kind, namespace: ns });
        await call("resources_list", { apiVersion, kind });
        await call("resources_delete", ref);
        await call("resources_scale", { ...ref, scale: 0 });
        await call("resources_scale", ref);
        for (const resource of [
          JSON.stringify({ apiVersion, kind, metadata: { name, namespace: ns }, data: { v: "overwritten" } }),
          `apiVersion: ${apiVersion}\nkind: !!str ${kind}\nmetadata: {name: ${name}, namespace: ${ns}}\n`,
          `apiVersion: ${apiVersion}\nkind: "${kind}"\nmetadata: {name: fresh-${name}, namespace: ${ns}}\n`,
        ]) {
          await call("resources_create_or_update", { resource });
          await call("resources_create_or_update", { resource, force: true });
        }
      }
    }
  });

  it("pod tools, fan-out legs and compare refuse a denied Pod or ConfigMap", async () => {
    for (const [tool, args] of [
      ["pods_get", { name: "p1", namespace: ns }],
      ["pods_list", {}],
      ["pods_list_in_namespace", { namespace: ns }],
      ["pods_delete", { name: "p1", namespace: ns }],
      ["pods_log", { name: "p1", namespace: ns }],
      ["pods_log", { name: "p1", namespace: ns, container: "c" }],
      ["pods_exec", { name: "p1", namespace: ns, command: ["cat", "/etc/passwd"] }],
      ["pods_exec", { name: "p1", namespace: ns, container: "c", command: ["true"] }],
      ["pods_run", { image: "nginx:1.27", name: "sneaky", namespace: ns }],
    ] as const)
      await call(tool, args);
    for (const operation of ["resources_get", "resources_delete"]) {
      const res = await ts.call("clusters_exec_all", {
        operation,
        parameters: { apiVersion: "v1", kind: "cm", name: "hidden", namespace: ns },
        clusters: ["px", "px2"],
        confirm: true,
      });
      const legs = (res.structuredContent as { results: { status: string; error?: string }[] }).results;
      expect(legs.map((l) => l.status)).toEqual(["error", "error"]);
      for (const l of legs) expect(l.error).toMatch(DENIED);
      outputs.push(resultText(res), JSON.stringify(res.structuredContent));
    }
    for (const kind of CM_SPELLINGS) {
      const res = await ts.call("clusters_compare", {
        apiVersion: "v1",
        kind,
        namespace: ns,
        clusters: ["px", "px2"],
      });
      expect(resultText(res)).toMatch(DENIED);
      outputs.push(resultText(res), JSON.stringify(res.structuredContent ?? {}));
    }
  });

  it("a denied object smuggled through another kind's name or a hostile apiVersion is refused", async () => {
    for (const name of [`${ns}/configmaps/hidden`, `${ns}%2Fconfigmaps%2Fhidden`, `${ns}/pods/p1`])
      await call("resources_get", { apiVersion: "v1", kind: "Namespace", name }, /invalid name/);
    // A namespace argument on a cluster-scoped kind is ignored, never spliced into the path.
    const nsGet = await ts.call("resources_get", {
      apiVersion: "v1",
      kind: "Namespace",
      name: ns,
      namespace: `${ns}/configmaps`,
    });
    expect(resultText(nsGet)).toMatch(/^kind: Namespace/m);
    outputs.push(resultText(nsGet));
    for (const apiVersion of HOSTILE_API_VERSIONS) {
      // "api/v1" is well-formed (group "api"): the cluster just does not serve it.
      const pattern = apiVersion === "" ? /-32602|invalid/i : /invalid apiVersion|does not serve api\/v1/;
      await call("resources_get", { apiVersion, kind: "ConfigMap", name: "hidden", namespace: ns }, pattern);
      await call("resources_list", { apiVersion, kind: "Namespace" }, pattern);
      await call(
        "resources_create_or_update",
        {
          resource: JSON.stringify({
            apiVersion,
            kind: "ConfigMap",
            metadata: { name: "hidden", namespace: ns },
          }),
        },
        apiVersion === "" ? /needs apiVersion/ : pattern,
      );
    }
    // Unicode look-alikes name no kind at all.
    for (const kind of ["ＣonfigMap", "Cоnfigmap", "ConfigMap\u200b"])
      await call("resources_get", { apiVersion: "v1", kind, name: "hidden", namespace: ns }, /has no kind/);
  });

  it("nothing reached a denied resource, nothing changed, nothing leaked", async () => {
    const touched = proxy.requests.filter((r) => /\/(configmaps|pods|roles)(\/|\?|$)/.test(r.url));
    expect(touched.map((r) => `${r.method} ${r.url}`)).toEqual([]);
    expect(proxy.requests.length).toBeGreaterThan(0); // discovery did go through: the proxy is on the path
    expect(changes(before, await snapshot(sv5, [ns]))).toEqual([]);
    const all = [...outputs, ...ts.logs, JSON.stringify(ts.records)].join("\n");
    expect(outputs.length).toBeGreaterThan(200);
    expect(all).not.toContain(PLANT);
  });
});
