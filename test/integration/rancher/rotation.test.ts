// Credential rotation without restart, through both drivers (Rancher API STUB and fake nsk STUB), with
// ServiceAccount tokens minted on and revoked from a REAL apiserver.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { RefreshReport } from "../../../src/rancher/index.js";
import { type RancherStub, startRancherStub } from "../../stubs/rancher-api.js";
import { FAKE_NSK, makeFakeNsk } from "./fake-nsk.js";
import {
  deleteServiceAccount,
  haystack,
  kubeconfigFor,
  mintServiceAccountToken,
  rancherToken,
  startRancherServer,
  structured,
  tempDir,
  textOf,
  tokenStatus,
  waitFor,
} from "./helpers.js";

const cp = inject("controlplane");
const TOKEN = rancherToken();
const cluster = cp.clusters[1]!;

interface StatusRow {
  cluster: string;
  status: string;
}

describe.each(["rancher-api", "nsk"] as const)("credential rotation through the %s driver", (driver) => {
  let stub: RancherStub;
  beforeAll(async () => {
    stub = await startRancherStub({ token: TOKEN, clusters: [] });
  });
  afterAll(async () => {
    await stub?.close();
  });

  it("revoked credentials fail on the real apiserver, and calls succeed again after nsk_refresh without a restart", async () => {
    const dir = await tempDir();
    const fake = await makeFakeNsk(await tempDir(), TOKEN);
    const restoreEnv = fake.useEnv();
    const publish = async (token: string): Promise<void> => {
      const kubeconfig = kubeconfigFor(cluster, token);
      stub.setClusters([{ id: "c-rot", name: cluster.name, kubeconfig }]);
      await fake.setClusters({ [cluster.name]: kubeconfig });
    };
    const suffix = `${driver.replace(/[^a-z]/g, "")}-${randomBytes(3).toString("hex")}`;
    const saA = `rot-a-${suffix}`;
    const saB = `rot-b-${suffix}`;
    const tokenA = await mintServiceAccountToken(cluster, saA);
    await publish(tokenA);
    const ts = await startRancherServer(dir, {
      driver,
      nsk_path: FAKE_NSK,
      rancher_url: stub.url,
      rancher_token: TOKEN,
    });
    try {
      const status = async (): Promise<string | undefined> =>
        structured<{ clusters: StatusRow[] }>(await ts.call("clusters_status", { clusters: [cluster.name] }))
          .clusters[0]?.status;
      expect(structured<RefreshReport>(await ts.call("nsk_refresh")).added).toEqual([cluster.name]);
      expect(await status()).toBe("ok");
      expect((await ts.call("namespaces_list", { cluster: cluster.name })).isError).toBeFalsy();

      await deleteServiceAccount(cluster, saA);
      await waitFor(
        "the revoked token to be rejected",
        async () => (await tokenStatus(cluster, tokenA)) === 401,
        40_000,
      );
      expect(await status()).toBe("unauthorized");

      const tokenB = await mintServiceAccountToken(cluster, saB);
      await publish(tokenB);
      const refused = await ts.call("nsk_refresh");
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toMatch(/min_refresh_interval/);
      const forced = await ts.call("nsk_refresh", { force: true });
      expect(forced.isError).toBeFalsy();
      expect(structured<RefreshReport>(forced).updated).toEqual([cluster.name]);
      expect(await status()).toBe("ok");
      const ns = await ts.call("namespaces_list", { cluster: cluster.name });
      expect(ns.isError).toBeFalsy();
      expect(textOf(ns)).toContain("default");

      const file = await readFile(join(dir, `${cluster.name}.yaml`), "utf8");
      expect(file).toContain(tokenB);
      expect(file).not.toContain(tokenA);
      const all = await haystack(ts);
      expect(all).not.toContain(TOKEN);
      // Each driver presented the right Rancher token: nsk through its environment, the API over HTTP.
      const proof =
        driver === "nsk"
          ? (await fake.invocations()).every((i) => i.tokenMatches) && (await fake.invocations()).length > 0
          : stub.calls.withAuth > 0 && stub.calls.unauthorized === 0;
      expect(proof).toBe(true);
      await deleteServiceAccount(cluster, saB);
    } finally {
      restoreEnv();
      await ts.close();
    }
  });
});
