// read_only_clusters on every address form, against real clusters through a real MCP client: writes through a
// symlink, a hard link, an alias, `<file>/<context>`, or a context aimed at a read-only cluster's server are
// refused, and the cluster is checked afterwards to prove nothing changed. Reads stay allowed.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { TestCluster } from "../../harness/controlplane.js";
import { create, freshNamespace, statusOf } from "../../helpers/cluster-api.js";
import { resultText, startTestServer, type TestServer } from "../../helpers/mcp.js";
import { aliasFile, tempDir, writeMulti } from "./helpers.js";

const cp = inject("controlplane");
const [sv5, lax1, dfw1] = cp.clusters;

describe("read_only_clusters holds on every address form", () => {
  let ts: TestServer;
  const ns = new Map<TestCluster, string>();
  // Address -> the real cluster it reaches; every one of them must refuse writes.
  let readOnly: Array<[string, TestCluster]> = [];

  beforeAll(async () => {
    for (const c of [sv5!, lax1!, dfw1!]) {
      const n = await freshNamespace(c, "ro");
      ns.set(c, n);
      await create(c, `/api/v1/namespaces/${n}/configmaps`, { metadata: { name: "keep" }, data: { a: "1" } });
    }
    const dir = await tempDir("ro");
    const prod = join(dir, "prod-a.yaml");
    await aliasFile("copy", sv5!.kubeconfig, prod);
    await aliasFile("symlink", prod, join(dir, "ro-link.yaml"));
    await aliasFile("hardlink", prod, join(dir, "ro-hard.yaml"));
    await writeMulti(join(dir, "samesrv.yaml"), sv5!, {});
    await writeMulti(join(dir, "other.yaml"), dfw1!, { onprod: sv5!, ctxro: lax1! });
    ts = await startTestServer({
      kubeconfig_dir: dir,
      auto_discovery: false,
      read_only_clusters: ["prod-*", "other/ctxro"],
      cluster_aliases: { p: "prod-a", op: "other/onprod", ops: "other/ctxro" },
    });
    readOnly = [
      ["prod-a", sv5!],
      ["p", sv5!],
      ["ro-link", sv5!],
      ["ro-hard", sv5!],
      ["samesrv", sv5!],
      ["other/onprod", sv5!],
      ["op", sv5!],
      ["other/ctxro", lax1!],
      ["ops", lax1!],
    ];
  });
  afterAll(async () => ts?.close());

  const configMap = (c: TestCluster, name: string): string =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${ns.get(c)}}\ndata: {b: "2"}\n`;

  it("refuses creates, deletes and fan-out writes, and nothing changes on the cluster", async () => {
    for (const [cluster, real] of readOnly) {
      const name = `w-${cluster.replace(/[^a-z0-9]/g, "-")}`;
      const made = await ts.call("resources_create_or_update", { cluster, resource: configMap(real, name) });
      expect(made.isError, `apply on ${cluster}: ${resultText(made)}`).toBe(true);
      expect(resultText(made)).toContain("read_only_clusters");
      const del = await ts.call("resources_delete", {
        cluster,
        apiVersion: "v1",
        kind: "ConfigMap",
        name: "keep",
        namespace: ns.get(real),
      });
      expect(del.isError, `delete on ${cluster}`).toBe(true);
      const fan = await ts.call("clusters_exec_all", {
        operation: "resources_create_or_update",
        clusters: [cluster],
        parameters: { resource: configMap(real, `${name}-fan`) },
        confirm: true,
      });
      expect(resultText(fan)).toContain("read_only_clusters");
      for (const n of [name, `${name}-fan`]) {
        expect(
          await statusOf(real, `/api/v1/namespaces/${ns.get(real)}/configmaps/${n}`),
          `${n} on ${cluster}`,
        ).toBe(404);
      }
      expect(await statusOf(real, `/api/v1/namespaces/${ns.get(real)}/configmaps/keep`)).toBe(200);
      // Reads stay allowed on a read-only cluster.
      expect((await ts.call("namespaces_list", { cluster })).isError, `read on ${cluster}`).toBeFalsy();
    }
  });

  it("still accepts writes on a cluster no rule names (positive control)", async () => {
    const made = await ts.call("resources_create_or_update", {
      cluster: "other",
      resource: configMap(dfw1!, "free"),
    });
    expect(made.isError, resultText(made)).toBeFalsy();
    expect(await statusOf(dfw1!, `/api/v1/namespaces/${ns.get(dfw1!)}/configmaps/free`)).toBe(200);
  });
});
