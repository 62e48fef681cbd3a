// Refresh before expiry against the Rancher API STUB (which reports each kubeconfig token's expiresAt, as Rancher
// does): expiry shown by clusters_list, nsk_status saying what is due and when, auto_refresh pulled forward by a
// FAKE clock (timers and Date only; sockets and files are real), and a failed early refresh keeping the old file.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import type { RefreshReport } from "../../../src/rancher/run.js";
import type { RancherStatus } from "../../../src/rancher/status.js";
import { type RancherStub, startRancherStub } from "../../stubs/rancher-api.js";
import {
  haystack,
  kubeconfigFor,
  type RancherTestServer,
  rancherToken,
  startRancherServer,
  structured,
  tempDir,
  textOf,
} from "./helpers.js";

const cp = inject("controlplane");
const TOKEN = rancherToken();
const H = 3_600_000;
const [sv5, lax1, dfw1] = cp.clusters;

interface ListRow {
  name: string;
  credentials?: { source: string; text: string; warning: boolean; expiresAt: string };
}

describe("refresh before expiry (Rancher API stub, fake clock)", () => {
  let stub: RancherStub | undefined;
  let ts: RancherTestServer | undefined;
  afterEach(async () => {
    await ts?.close();
    await stub?.close();
    vi.useRealTimers();
  });

  it("shows Rancher's token expiry, refreshes ahead of it, and keeps the old file when that refresh fails", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const t0 = Date.now();
    // Rancher kubeconfig tokens are "<token name>:<secret>", opaque; only Rancher knows when they expire.
    const tokenOf = (name: string, gen: string) =>
      `kubeconfig-u-${name.replace(/[^a-z0-9]/g, "")}${gen}:${"s".repeat(40)}`;
    const clusters = (gen: string) =>
      [sv5!, lax1!, dfw1!].map((c, i) => ({
        id: `c-${i}`,
        name: c.name,
        kubeconfig: kubeconfigFor(c, tokenOf(c.name, gen)),
      }));
    stub = await startRancherStub({ token: TOKEN, clusters: clusters("a") });
    const expiry = { [sv5!.name]: 3 * H, [lax1!.name]: 5 * H, [dfw1!.name]: 240 * H };
    for (const [name, ms] of Object.entries(expiry))
      stub.setTokenExpiry(tokenOf(name, "a").split(":")[0] ?? "", new Date(t0 + ms).toISOString());
    const dir = await tempDir();
    ts = await startRancherServer(dir, {
      rancher_url: stub.url,
      rancher_token: TOKEN,
      driver: "rancher-api",
      auto_refresh: true,
      refresh_interval: "6h",
      refresh_before_expiry: "1h",
    });

    const first = structured<RefreshReport>(await ts.call("nsk_refresh"));
    expect(first.added).toHaveLength(3);
    expect(stub.calls.tokens).toBe(3);

    // clusters_list: expiry as Rancher reports it, with the warning under credential_warning (24h).
    const list = structured<{ clusters: ListRow[] }>(await ts.call("clusters_list", { show_details: true }));
    const row = (name: string) => list.clusters.find((c) => c.name === name);
    expect(row(sv5!.name)?.credentials).toMatchObject({
      source: "rancher",
      warning: true,
      text: "Rancher token expires in 3h",
    });
    expect(row(dfw1!.name)?.credentials).toMatchObject({
      source: "rancher",
      warning: false,
      text: "Rancher token expires in 10d",
    });

    // nsk_status: sv5 is due at expiry - 1h = t0+2h, before the interval's t0+6h; the scheduler says so too.
    const due = async () => structured<RancherStatus>(await ts!.call("nsk_status"));
    await vi.waitFor(async () =>
      expect(Date.parse((await due()).nextRefreshAt ?? "")).toBeLessThan(t0 + 3 * H),
    );
    const before = await due();
    expect(before.credentialExpiry.dueAhead.map((d) => [d.cluster, Date.parse(d.refreshAt)])).toEqual([
      [sv5!.name, t0 + 2 * H],
      [lax1!.name, t0 + 4 * H],
    ]);
    expect(Date.parse(before.nextRefreshAt ?? "")).toBe(t0 + 2 * H);
    expect(textOf(await ts.call("nsk_status"))).toMatch(
      new RegExp(`${sv5!.name}: Rancher token expires in (3h|2h59m); refresh due`),
    );

    // Rancher hands out new tokens from now on; sv5's lasts 30 days.
    stub.setClusters(clusters("b"));
    stub.setTokenExpiry(tokenOf(sv5!.name, "b").split(":")[0] ?? "", new Date(t0 + 720 * H).toISOString());
    const generated = () =>
      Object.fromEntries([sv5!, lax1!, dfw1!].map((c) => [c.name, stub!.calls.generate.get(c.name) ?? 0]));
    const g0 = generated();
    await vi.advanceTimersByTimeAsync(t0 + 2 * H - Date.now());
    // Done once the run is recorded and the scheduler has re-planned from the new files: lax1 is next.
    await vi.waitFor(async () => {
      const s = await due();
      expect(s.lastRefresh?.trigger).toBe("auto");
      expect(Date.parse(s.nextRefreshAt ?? "")).toBe(t0 + 4 * H);
    });
    // Only the expiring kubeconfig was regenerated; the others are fresh by age and far from expiry.
    expect(generated()).toEqual({ ...g0, [sv5!.name]: (g0[sv5!.name] ?? 0) + 1 });
    expect(await readFile(join(dir, `${sv5!.name}.yaml`), "utf8")).toContain(tokenOf(sv5!.name, "b"));
    const after = await due();
    expect(after.credentialExpiry.dueAhead.map((d) => d.cluster)).toEqual([lax1!.name]);
    expect(Date.parse(after.nextRefreshAt ?? "")).toBe(t0 + 4 * H);

    // lax1's early refresh fails: its file is untouched and nsk_status says so.
    const laxFile = join(dir, `${lax1!.name}.yaml`);
    const laxBefore = await readFile(laxFile, "utf8");
    stub.failGenerate(lax1!.name, { status: 500 });
    await vi.advanceTimersByTimeAsync(t0 + 4 * H - Date.now());
    await vi.waitFor(async () =>
      expect((await due()).credentialExpiry.failed.map((f) => f.name)).toEqual([lax1!.name]),
    );
    expect(await readFile(laxFile, "utf8")).toBe(laxBefore);
    const text = textOf(await ts.call("nsk_status"));
    expect(text).toMatch(
      new RegExp(`refresh ahead of expiry failed: ${lax1!.name}: .*the previous kubeconfig is kept`),
    );
    expect(await haystack(ts)).not.toContain(TOKEN);
  }, 60_000);
});
