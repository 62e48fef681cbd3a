// Planted release records for the edge cases: a legacy (plain JSON) record, one near the 1 MiB object limit and
// the ConfigMap driver; the readers must agree with the real helm on each.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { encodeRecord } from "../../../src/helm/record.js";
import { create, freshNamespace } from "../../helpers/cluster-api.js";
import { type FleetDir, makeFleetDir } from "../../helpers/fleet.js";
import { chartDir, helmCli } from "../../helpers/helm-cli.js";
import { resultText, startTestServer, type TestServer } from "../../helpers/mcp.js";

const cp = inject("controlplane");
const c1 = cp.clusters[1]!;
const PLANTED = "planted-legacy-secret-5d2c";
let fleet: FleetDir;
let ts: TestServer;
let ns: string;

function release(name: string, version: number, status: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    namespace: ns,
    version,
    info: {
      status,
      first_deployed: "2025-01-02T03:04:05Z",
      last_deployed: `2025-01-0${version + 1}T03:04:05Z`,
      description: `planted revision ${version}`,
      notes: "planted notes",
    },
    chart: {
      metadata: { name: "legacy-app", version: `0.${version}.0`, appVersion: `v${version}` },
      values: { size: "small" },
    },
    config: { password: PLANTED },
    manifest:
      "---\n# Source: legacy-app/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    ...extra,
  };
}

async function plant(
  name: string,
  version: number,
  status: string,
  opts: { gzip?: boolean; extra?: object },
) {
  await create(c1, `/api/v1/namespaces/${ns}/secrets`, {
    metadata: {
      name: `sh.helm.release.v1.${name}.v${version}`,
      labels: { owner: "helm", name, version: String(version), status },
    },
    type: "helm.sh/release.v1",
    data: {
      release: encodeRecord(
        release(name, version, status, opts.extra as Record<string, unknown>),
        "secret",
        opts,
      ),
    },
  });
}

beforeAll(async () => {
  fleet = await makeFleetDir(cp, { broken: false });
  ts = await startTestServer({ kubeconfig_dir: fleet.dir, auto_discovery: false });
  ns = await freshNamespace(c1, "helmrec");
  await plant("legacy", 1, "superseded", { gzip: false });
  await plant("legacy", 2, "deployed", { gzip: false });
  // Incompressible chart files make the stored object ~1 MiB, close to what etcd and the apiserver accept.
  const files = [{ name: "files/blob.bin", data: randomBytes(540 * 1024).toString("base64") }];
  await plant("big", 1, "deployed", {
    extra: { chart: { metadata: { name: "big", version: "1.0.0" }, files } },
  });
  await helmCli(c1, ["install", "cm-driven", chartDir("1.2.0"), "-n", ns], { HELM_DRIVER: "configmap" });
}, 180_000);

afterAll(async () => {
  await ts?.close();
  await fleet?.close();
});

describe("planted release records", () => {
  it("helm_list reads legacy, ~1 MiB and ConfigMap-driver records like helm list does", async () => {
    const list = await ts.call("helm_list", { cluster: c1.name, namespace: ns });
    expect(list.isError, resultText(list)).toBeFalsy();
    const rows = (list.structuredContent as { releases: Record<string, unknown>[] }).releases;
    const short = rows.map((r) => `${r.name}:${r.revision}:${r.status}:${r.chart}`);
    expect(short).toEqual([
      "big:1:deployed:big-1.0.0",
      "cm-driven:1:deployed:web-app-1.2.0",
      "legacy:2:deployed:legacy-app-0.2.0",
    ]);
    const secretsRef = JSON.parse(await helmCli(c1, ["list", "-n", ns, "-o", "json"])) as Record<
      string,
      string
    >[];
    const cmRef = JSON.parse(
      await helmCli(c1, ["list", "-n", ns, "-o", "json"], { HELM_DRIVER: "configmap" }),
    ) as Record<string, string>[];
    const ref = [...secretsRef, ...cmRef].sort((a, b) => String(a.name).localeCompare(String(b.name)));
    expect(ref.map((r) => `${r.name}:${r.revision}:${r.status}:${r.chart}`)).toEqual(short);
  });

  it("helm_history and helm_get decode the legacy record; its planted password stays hidden", async () => {
    const hist = await ts.call("helm_history", { cluster: c1.name, name: "legacy", namespace: ns });
    const ref = JSON.parse(await helmCli(c1, ["history", "legacy", "-n", ns, "-o", "json"])) as Record<
      string,
      unknown
    >[];
    const revs = (hist.structuredContent as { revisions: Record<string, unknown>[] }).revisions;
    expect(revs.map((r) => [r.revision, r.status, r.description])).toEqual(
      ref.map((r) => [r.revision, r.status, r.description]),
    );
    const get = await ts.call("helm_get", { cluster: c1.name, name: "legacy", namespace: ns, revision: 1 });
    expect(get.isError, resultText(get)).toBeFalsy();
    expect(get.structuredContent).toMatchObject({
      userValues: { password: "<redacted>" },
      notes: "planted notes",
    });
    expect(JSON.stringify(get)).not.toContain(PLANTED);
    expect(JSON.stringify(ts.records)).not.toContain(PLANTED);
  });

  it("helm_get reads the ~1 MiB record", async () => {
    const get = await ts.call("helm_get", { cluster: c1.name, name: "big", namespace: ns });
    expect(get.isError, resultText(get)).toBeFalsy();
    expect(get.structuredContent).toMatchObject({ release: { chart: "big-1.0.0", revision: 1 } });
  });

  it("a record that is not a release is reported with the record's name, not a crash", async () => {
    await create(c1, `/api/v1/namespaces/${ns}/secrets`, {
      metadata: {
        name: "sh.helm.release.v1.broken.v1",
        labels: { owner: "helm", name: "broken", version: "1", status: "deployed" },
      },
      type: "helm.sh/release.v1",
      data: { release: Buffer.from("bm90IGd6aXAgbm9yIGpzb24=").toString("base64") },
    });
    const get = await ts.call("helm_get", { cluster: c1.name, name: "broken", namespace: ns });
    expect(get.isError).toBe(true);
    expect(resultText(get)).toMatch(
      /secret .*\/sh\.helm\.release\.v1\.broken\.v1 cannot be read: .*not JSON/,
    );
  });
});
