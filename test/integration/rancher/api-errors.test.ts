// Clear errors from the rancher-api driver (401, TLS, unreachable, per-cluster failures) against the Rancher
// API STUB, with the token scrubbed everywhere, and the nsk tools' registration rule.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { CA_PIN_FILE } from "../../../src/rancher/api-driver.js";
import type { RefreshReport } from "../../../src/rancher/index.js";
import type { RancherStatus } from "../../../src/rancher/status.js";
import { freePort } from "../../harness/ports.js";
import { startTestServer } from "../../helpers/mcp.js";
import { type RancherStub, startRancherStub } from "../../stubs/rancher-api.js";
import {
  closeAll,
  type RancherTestServer,
  rancherToken,
  startRancherServer,
  structured,
  stubClusters,
  tempDir,
  textOf,
} from "./helpers.js";

const cp = inject("controlplane");
const TOKEN = rancherToken();
const WRONG = rancherToken();

describe("rancher-api driver errors (Rancher API stub)", () => {
  let stub: RancherStub;
  const servers: RancherTestServer[] = [];
  const start = async (nsk: Record<string, unknown> = {}) => {
    const ts = await startRancherServer(await tempDir(), {
      rancher_url: stub.url,
      rancher_token: TOKEN,
      driver: "rancher-api",
      min_refresh_interval: "0s",
      ...nsk,
    });
    servers.push(ts);
    return ts;
  };

  beforeAll(async () => {
    stub = await startRancherStub({ token: TOKEN, clusters: stubClusters(cp.clusters, (c) => c.adminToken) });
  });
  afterEach(async () => {
    stub.setCacerts("ok");
    for (const c of cp.clusters) stub.failGenerate(c.name, undefined);
    const all = await closeAll(servers);
    for (const secret of [TOKEN, WRONG, TOKEN.split(":")[1]!, WRONG.split(":")[1]!]) {
      expect(all).not.toContain(secret);
    }
  });
  afterAll(async () => {
    await stub?.close();
  });

  it("says clearly that Rancher rejected the token (401), and status records the failure", async () => {
    const ts = await start({ rancher_token: WRONG });
    const unauthorizedBefore = stub.calls.unauthorized;
    const res = await ts.call("nsk_refresh");
    expect(res.isError).toBe(true);
    expect(textOf(res)).toContain(
      `Rancher rejected the API token (expired, revoked or scoped?) at ${stub.url}`,
    );
    expect(textOf(res)).toMatch(/Try: create a new unscoped API key/);
    expect(stub.calls.unauthorized).toBeGreaterThan(unauthorizedBefore);
    const status = structured<RancherStatus>(await ts.call("nsk_status"));
    expect(status.lastRefresh?.outcome).toBe("failed");
    expect(status.lastRefresh?.error).toMatch(/rejected the API token/);
    expect(status.clusters.filesInDirectory).toBe(0);
  });

  it("names the URL and the remedies when Rancher's certificate cannot be verified", async () => {
    stub.setCacerts("other");
    const ts = await start();
    const authBefore = stub.calls.withAuth;
    const res = await ts.call("nsk_refresh");
    expect(res.isError).toBe(true);
    const text = textOf(res);
    expect(text).toContain(`TLS verification of Rancher at ${stub.url} failed`);
    expect(text).toMatch(/not signed by the CA Rancher publishes/);
    expect(text).toMatch(/rancher_insecure = true/);
    expect(stub.calls.withAuth).toBe(authBefore); // the token was never sent over an unverified connection

    stub.setCacerts("none");
    const none = await start();
    expect(textOf(await none.call("nsk_refresh"))).toMatch(/publishes no CA at \/v3\/settings\/cacerts/);
  });

  it("pins the CA learned from /v3/settings/cacerts and refuses a certificate it did not sign", async () => {
    const dir = await tempDir();
    const first = await startRancherServer(dir, {
      rancher_url: stub.url,
      rancher_token: TOKEN,
      driver: "rancher-api",
      min_refresh_interval: "0s",
    });
    servers.push(first);
    expect((await first.call("nsk_refresh")).isError).toBeFalsy();
    const pin = await readFile(join(dir, CA_PIN_FILE), "utf8");
    expect(pin.trim()).toBe(stub.ca.trim());
    // An interceptor would present a certificate from another CA: simulate by pinning a CA that did not sign it.
    await writeFile(join(dir, CA_PIN_FILE), stub.certs.otherCa);
    const later = await startRancherServer(dir, {
      rancher_url: stub.url,
      rancher_token: TOKEN,
      driver: "rancher-api",
      min_refresh_interval: "0s",
    });
    servers.push(later);
    const authBefore = stub.calls.withAuth;
    const res = await later.call("nsk_refresh", { force: true });
    expect(res.isError).toBe(true);
    expect(textOf(res)).toMatch(
      /not signed by the CA pinned in .*\.k8s-mcp-rancher-ca\.pem .*delete that file/,
    );
    expect(stub.calls.withAuth).toBe(authBefore);
  });

  it("works with rancher_insecure even when the CA cannot be verified", async () => {
    stub.setCacerts("other");
    const ts = await start({ rancher_insecure: true });
    const res = await ts.call("nsk_refresh");
    expect(res.isError).toBeFalsy();
    expect(structured<RefreshReport>(res).added).toHaveLength(3);
    expect(textOf(await ts.call("nsk_status"))).toContain("TLS: not verified (rancher_insecure)");
  });

  it("reports one cluster's failure without failing the others, scrubbing a token Rancher echoes", async () => {
    stub.failGenerate("c1-lax1", { status: 500, echoToken: true });
    const ts = await start();
    const res = await ts.call("nsk_refresh");
    expect(res.isError).toBeFalsy();
    const report = structured<RefreshReport>(res);
    expect(report.outcome).toBe("partial");
    expect(report.added.sort()).toEqual(["c1-dfw1", "c1-sv5"]);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]?.name).toBe("c1-lax1");
    expect(report.failed[0]?.error).toMatch(/Rancher answered 500 .*token <redacted> may not generate/);
    expect(textOf(res)).toMatch(/failed: c1-lax1: Rancher answered 500/);
  });

  it("explains an unreachable Rancher and a missing token", async () => {
    const port = await freePort();
    const ts = await start({ rancher_url: `https://127.0.0.1:${port}` });
    const res = await ts.call("nsk_refresh");
    expect(res.isError).toBe(true);
    expect(textOf(res)).toContain(`cannot connect to Rancher at https://127.0.0.1:${port} (ECONNREFUSED)`);
    const noToken = await start({ rancher_token: undefined });
    expect(textOf(await noToken.call("nsk_refresh"))).toMatch(/needs rancher_token \(RANCHER_TOKEN\)/);
  });

  it("registers the nsk tools only when [nsk] is configured", async () => {
    const plain = await startTestServer({ kubeconfig_dir: await tempDir(), auto_discovery: false });
    try {
      const names = (await plain.client.listTools()).tools.map((t) => t.name);
      expect(names.filter((n) => n.startsWith("nsk_"))).toEqual([]);
    } finally {
      await plain.close();
    }
    const ts = await start();
    const names = (await ts.client.listTools()).tools.map((t) => t.name);
    expect(names.filter((n) => n.startsWith("nsk_")).sort()).toEqual([
      "nsk_clusters_discover",
      "nsk_refresh",
      "nsk_status",
    ]);
  });
});
