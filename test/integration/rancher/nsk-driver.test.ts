// nsk driver against the fake `nsk` STUB (test/stubs/fake-nsk) writing kubeconfigs for the REAL test clusters.
import { mkdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import type { RefreshReport } from "../../../src/rancher/index.js";
import type { RancherStatus } from "../../../src/rancher/status.js";
import { FAKE_NSK, type FakeNsk, makeFakeNsk } from "./fake-nsk.js";
import {
  closeAll,
  kubeconfigFor,
  type RancherTestServer,
  rancherToken,
  startRancherServer,
  structured,
  tempDir,
  textOf,
} from "./helpers.js";

const cp = inject("controlplane");
const NAMES = cp.clusters.map((c) => c.name).sort();
const TOKEN = rancherToken();
const RANCHER_URL = "https://rancher.example.invalid";
const ALL = Object.fromEntries(cp.clusters.map((c) => [c.name, kubeconfigFor(c, c.adminToken)]));

describe("nsk driver (fake nsk stub, real clusters)", () => {
  const cleanups: Array<() => void> = [];
  const servers: RancherTestServer[] = [];
  afterEach(async () => {
    const all = await closeAll(servers).finally(() => {
      for (const restore of cleanups.splice(0).reverse()) restore();
    });
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(TOKEN.split(":")[1]);
  });

  const setup = async (
    nsk: Record<string, unknown> = {},
    env: Record<string, string> = {},
    serverEnv: Record<string, string | undefined> = {},
  ): Promise<{ ts: RancherTestServer; fake: FakeNsk }> => {
    const fake = await makeFakeNsk(await tempDir(), TOKEN);
    await fake.setClusters(ALL);
    cleanups.push(fake.useEnv(env));
    const ts = await startRancherServer(
      await tempDir(),
      {
        driver: "nsk",
        nsk_path: FAKE_NSK,
        rancher_url: RANCHER_URL,
        rancher_token: TOKEN,
        profile: "dev",
        min_refresh_interval: "0s",
        ...nsk,
      },
      {},
      serverEnv,
    );
    servers.push(ts);
    return { ts, fake };
  };

  it("runs nsk with the documented arguments and environment, piped stdio, and the clusters work", async () => {
    const { ts, fake } = await setup();
    const res = await ts.call("nsk_refresh");
    expect(res.isError).toBeFalsy();
    const report = structured<RefreshReport>(res);
    expect(report.driver).toBe("nsk");
    expect(report.added.sort()).toEqual(NAMES);
    const calls = await fake.invocations();
    expect(calls.map((c) => c.argv.slice(0, 2).join(" "))).toEqual(["cluster list", "cluster kubeconfig"]);
    const refresh = calls[1]!;
    expect(refresh.argv).toEqual([
      "cluster",
      "kubeconfig",
      "--confdir",
      ts.dir,
      "--profile",
      "dev",
      "--name-pattern",
      `^(${cp.clusters.map((c) => c.name).join("|")})$`,
    ]);
    expect(refresh).toMatchObject({
      rancherUrl: RANCHER_URL,
      insecure: "false",
      profile: "dev",
      confdir: ts.dir,
      tokenMatches: true,
      stdinIsTTY: false,
    });
    expect(JSON.stringify(calls)).not.toContain(TOKEN);
    for (const name of NAMES) expect((await stat(join(ts.dir, `${name}.yaml`))).mode & 0o777).toBe(0o600);
    const status = await ts.call("clusters_status", { clusters: ["c1-dfw1"] });
    expect(structured<{ clusters: { status: string }[] }>(status).clusters[0]?.status).toBe("ok");

    const again = structured<RefreshReport>(await ts.call("nsk_refresh"));
    expect(again.fresh.sort()).toEqual(NAMES);
    expect((await fake.invocations()).length).toBe(3); // only `cluster list`: nothing was stale
  });

  it("restores a file nsk corrupts and reports it failed", async () => {
    const { ts } = await setup({}, { FAKE_NSK_CORRUPT: "c1-lax1" });
    const good = kubeconfigFor(cp.clusters[1]!, cp.clusters[1]!.adminToken);
    await writeFile(join(ts.dir, "c1-lax1.yaml"), good, { mode: 0o600 });
    const res = await ts.call("nsk_refresh", { force: true });
    const report = structured<RefreshReport>(res);
    expect(report.outcome).toBe("partial");
    expect(report.failed).toEqual([
      { name: "c1-lax1", error: "nsk wrote an invalid kubeconfig; previous file restored" },
    ]);
    expect(await readFile(join(ts.dir, "c1-lax1.yaml"), "utf8")).toBe(good);
    expect(report.added.sort()).toEqual(["c1-dfw1", "c1-sv5"]);
  });

  it("turns an nsk failure into a clear error with the echoed token scrubbed", async () => {
    const { ts } = await setup({}, { FAKE_NSK_TOKEN: "token-other:somethingelse1234" });
    const res = await ts.call("nsk_refresh");
    expect(res.isError).toBe(true);
    const text = textOf(res);
    expect(text).toMatch(
      /nsk exited with code 3: FATA\[0000\] 401 Unauthorized: Rancher rejected token <redacted>/,
    );
    expect(text).not.toContain(TOKEN);
  });

  it("stops a hanging nsk at refresh_timeout and keeps the previous files", async () => {
    const { ts } = await setup({ refresh_timeout: "2s" }, { FAKE_NSK_HANG_AFTER: "0" });
    const previous = kubeconfigFor(cp.clusters[0]!, cp.clusters[0]!.adminToken);
    await writeFile(join(ts.dir, "c1-sv5.yaml"), previous, { mode: 0o600 });
    const started = Date.now();
    const res = await ts.call("nsk_refresh", { force: true });
    expect(res.isError).toBe(true);
    expect(textOf(res)).toMatch(/refresh exceeded refresh_timeout \(2s\)/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await readFile(join(ts.dir, "c1-sv5.yaml"), "utf8")).toBe(previous);
  });

  it("falls back to a full run when `nsk cluster list` fails", async () => {
    const { ts, fake } = await setup({ cluster_pattern: "^c1-(sv5|lax1)$" }, { FAKE_NSK_LIST_FAIL: "1" });
    const report = structured<RefreshReport>(await ts.call("nsk_refresh"));
    expect(report.added.sort()).toEqual(["c1-lax1", "c1-sv5"]);
    const refresh = (await fake.invocations()).find((i) => i.argv[1] === "kubeconfig");
    expect(refresh?.argv.slice(-2)).toEqual(["--name-pattern", "^c1-(sv5|lax1)$"]);
    expect(ts.logs.join("")).toMatch(/nsk cluster list failed; refreshing every cluster/);
  });

  it("discovers only the clusters the directory lacks", async () => {
    const { ts, fake } = await setup();
    await writeFile(join(ts.dir, "c1-sv5.yaml"), ALL["c1-sv5"]!, { mode: 0o600 });
    const report = structured<RefreshReport>(await ts.call("nsk_clusters_discover"));
    expect(report.added.sort()).toEqual(["c1-dfw1", "c1-lax1"]);
    expect(report.present).toEqual(["c1-sv5"]);
    const refresh = (await fake.invocations()).find((i) => i.argv[1] === "kubeconfig");
    expect(refresh?.argv.at(-1)).toBe("^(c1-lax1|c1-dfw1)$");
  });

  it("driver = auto picks nsk when it is on PATH, else the Rancher API", async () => {
    const bin = await tempDir();
    await mkdir(bin, { recursive: true });
    await symlink(FAKE_NSK, join(bin, "nsk"));
    const withNsk = await setup(
      { driver: "auto", nsk_path: "nsk" },
      {},
      { PATH: `${bin}:${process.env.PATH}` },
    );
    const s = structured<RancherStatus>(await withNsk.ts.call("nsk_status"));
    expect(s.driver).toBe("nsk");
    expect(s.nskBinary).toBe(join(bin, "nsk"));
    expect(structured<RefreshReport>(await withNsk.ts.call("nsk_refresh")).added).toHaveLength(3);
    const without = await setup({ driver: "auto", nsk_path: "nsk" }, {}, { PATH: "/nonexistent" });
    expect(structured<RancherStatus>(await without.ts.call("nsk_status")).driver).toBe("rancher-api");
  });
});
