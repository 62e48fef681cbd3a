// Helm through the server against real apiservers and the real helm v4: writes via the CLI, reads from the
// records, checked against what `helm list/get/history -o json` print for the same releases.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ensureHelm } from "../../harness/helm.js";
import { freshNamespace, statusOf } from "../../helpers/cluster-api.js";
import { type FleetDir, makeFleetDir } from "../../helpers/fleet.js";
import { chartDir, helmCli, toSeconds } from "../../helpers/helm-cli.js";
import { resultText, startTestServer, type TestServer } from "../../helpers/mcp.js";

const cp = inject("controlplane");
const c0 = cp.clusters[0]!;
const PASSWORD = "planted-db-pw-8c41f0e2";
const TOKEN = "planted-api-token-77aa19";
const values = { greeting: "hi", db: { password: PASSWORD }, apiToken: TOKEN };

let fleet: FleetDir;
let ts: TestServer;
let auditFile: string;
let ns: string;

interface Row {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  chart: string;
  appVersion: string;
  updated: string;
}

beforeAll(async () => {
  fleet = await makeFleetDir(cp, { broken: false });
  auditFile = `${fleet.dir}.audit.jsonl`;
  ts = await startTestServer({
    kubeconfig_dir: fleet.dir,
    auto_discovery: false,
    helm_path: await ensureHelm(),
    audit_log: auditFile,
  });
  ns = await freshNamespace(c0, "helm");
}, 180_000);

afterAll(async () => {
  await ts?.close();
  await fleet?.close();
});

describe("helm tools on a real cluster", () => {
  it("installs, upgrades and rolls back; list, get and history agree with helm itself", async () => {
    const install = await ts.call("helm_install", {
      cluster: c0.name,
      name: "web",
      namespace: ns,
      chart: chartDir("1.1.9"),
      values,
    });
    expect(install.isError, resultText(install)).toBeFalsy();
    expect(install.structuredContent).toMatchObject({ action: "install", revision: 1, status: "deployed" });
    expect(resultText(install)).toContain("web (web-app 1.1.9) says hi.");
    const up = await ts.call("helm_upgrade", {
      cluster: c0.name,
      name: "web",
      namespace: ns,
      chart: chartDir("1.2.0"),
      values: { ...values, greeting: "hello again" },
    });
    expect(up.isError, resultText(up)).toBeFalsy();
    expect(up.structuredContent).toMatchObject({ revision: 2, chart: "web-app-1.2.0" });
    const back = await ts.call("helm_rollback", {
      cluster: c0.name,
      name: "web",
      namespace: ns,
      revision: 1,
    });
    expect(back.isError, resultText(back)).toBeFalsy();

    // helm_list == helm list -o json
    const list = await ts.call("helm_list", { cluster: c0.name, namespace: ns });
    const rows = (list.structuredContent as { releases: Row[] }).releases;
    const ref = JSON.parse(await helmCli(c0, ["list", "-n", ns, "-o", "json"])) as Record<string, string>[];
    expect(
      rows.map((r) => [r.name, r.namespace, String(r.revision), r.status, r.chart, r.appVersion]),
    ).toEqual(ref.map((r) => [r.name, r.namespace, r.revision, r.status, r.chart, r.app_version]));
    expect(rows.map((r) => toSeconds(r.updated))).toEqual(ref.map((r) => toSeconds(String(r.updated))));
    expect(rows[0]).toMatchObject({ revision: 3, chart: "web-app-1.1.9" });

    // helm_history == helm history -o json
    const hist = await ts.call("helm_history", { cluster: c0.name, name: "web", namespace: ns });
    const revs = (hist.structuredContent as { revisions: (Row & { description: string })[] }).revisions;
    const refHist = JSON.parse(await helmCli(c0, ["history", "web", "-n", ns, "-o", "json"])) as Record<
      string,
      unknown
    >[];
    expect(revs.map((r) => [r.revision, r.status, r.chart, r.appVersion, r.description])).toEqual(
      refHist.map((r) => [r.revision, r.status, r.chart, r.app_version, r.description]),
    );

    // helm_get of revision 2 == helm get values/manifest/notes, secrets aside
    const get = await ts.call("helm_get", { cluster: c0.name, name: "web", namespace: ns, revision: 2 });
    expect(get.isError, resultText(get)).toBeFalsy();
    const g = get.structuredContent as {
      userValues: Record<string, unknown>;
      computedValues: Record<string, unknown>;
      manifest: string;
      notes: string;
    };
    const refUser = JSON.parse(
      await helmCli(c0, ["get", "values", "web", "-n", ns, "--revision", "2", "-o", "json"]),
    );
    const refAll = JSON.parse(
      await helmCli(c0, ["get", "values", "web", "-n", ns, "--revision", "2", "--all", "-o", "json"]),
    );
    const hide = (v: Record<string, unknown>) => ({
      ...v,
      apiToken: "<redacted>",
      db: { ...(v.db as object), password: "<redacted>" },
    });
    expect(g.userValues).toEqual(hide(refUser));
    expect(g.computedValues).toEqual(hide(refAll));
    const refNotes = await helmCli(c0, ["get", "notes", "web", "-n", ns, "--revision", "2"]);
    expect(refNotes).toContain(g.notes.trim());
    const refManifest = await helmCli(c0, ["get", "manifest", "web", "-n", ns, "--revision", "2"]);
    const configMapDoc = (m: string) =>
      m
        .split(/^---$/m)
        .find((d) => d.includes("kind: ConfigMap"))
        ?.trim();
    expect(configMapDoc(g.manifest)).toBe(configMapDoc(refManifest));
    expect(refManifest).toContain(PASSWORD); // the reference really has the secret...
    expect(g.manifest).toContain('password: "<redacted: 22 bytes>"'); // ...the tool shows its size only
  }, 180_000);

  it("a server-side dry run changes nothing on the cluster", async () => {
    const dry = await ts.call("helm_install", {
      cluster: c0.name,
      name: "dry",
      namespace: ns,
      chart: chartDir("1.2.0"),
      values,
      dry_run: true,
    });
    expect(dry.isError, resultText(dry)).toBeFalsy();
    expect(resultText(dry)).toContain("DRY RUN");
    expect(resultText(dry)).toContain("dry-config");
    expect(await statusOf(c0, `/api/v1/namespaces/${ns}/configmaps/dry-config`)).toBe(404);
    expect(await statusOf(c0, `/api/v1/namespaces/${ns}/secrets/sh.helm.release.v1.dry.v1`)).toBe(404);
  }, 120_000);

  it("uninstalls one release and leaves the other alone", async () => {
    const other = await ts.call("helm_install", {
      cluster: c0.name,
      name: "keep",
      namespace: ns,
      chart: chartDir("1.2.0"),
    });
    expect(other.isError, resultText(other)).toBeFalsy();
    const un = await ts.call("helm_uninstall", { cluster: c0.name, name: "keep", namespace: ns });
    expect(un.isError, resultText(un)).toBeFalsy();
    expect(await statusOf(c0, `/api/v1/namespaces/${ns}/configmaps/keep-config`)).toBe(404);
    expect(await statusOf(c0, `/api/v1/namespaces/${ns}/configmaps/web-config`)).toBe(200);
    expect(await statusOf(c0, `/api/v1/namespaces/${ns}/secrets/sh.helm.release.v1.web.v3`)).toBe(200);
  }, 120_000);

  it("planted secrets appear in no output, log or audit line", async () => {
    // Everything this server said or recorded so far, including the install/upgrade calls that carried them.
    const said = JSON.stringify([ts.logs, ts.records]) + (await readFile(auditFile, "utf8"));
    expect(await ts.text("helm_list", { cluster: c0.name, namespace: ns })).not.toContain(PASSWORD);
    expect(await ts.text("helm_history", { cluster: c0.name, namespace: ns, name: "web" })).not.toContain(
      PASSWORD,
    );
    const get = JSON.stringify(await ts.call("helm_get", { cluster: c0.name, name: "web", namespace: ns }));
    for (const secret of [PASSWORD, TOKEN]) {
      expect(said).not.toContain(secret);
      expect(get).not.toContain(secret);
    }
    expect(ts.records.some((r) => r.tool === "helm_install")).toBe(true);
  }, 60_000);
});
