// Credential expiry through the INSTALLED package: a real TokenRequest JWT minted by a real apiserver and a client
// certificate a day from NotAfter, in a --kubeconfig-dir, read by the installed bin over stdio with a real MCP
// client; clusters_status and clusters_list {show_details} must show when each expires, mark it under
// credential_warning, and never print the credentials. No stubs.
import { X509Certificate } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { stringify } from "yaml";
import type { ExpiryView } from "../../../src/clusters/expiry.js";
import { admin, waitUntil } from "../../helpers/cluster-api.js";
import { makeClientCertificate, mintNamespacedViewerToken } from "../../helpers/credentials.js";
import { writeKubeconfig } from "../../helpers/fleet.js";
import { type InstalledPackage, installedPackage } from "../../helpers/installed-package.js";
import { resultText } from "../../helpers/mcp.js";

const cp = inject("controlplane");
const TEE = fileURLToPath(new URL("./tee-stdout.mjs", import.meta.url));
const H = 3_600_000;

type Row = { cluster?: string; name?: string; status?: string; credentials?: ExpiryView };

function byName(res: CallToolResult): Record<string, Row> {
  const rows = (res.structuredContent as { clusters: Row[] }).clusters;
  return Object.fromEntries(rows.map((r) => [r.cluster ?? r.name ?? "", r]));
}

describe("installed package: credential expiry from a real TokenRequest JWT and a client certificate", () => {
  const [sv5, lax1, dfw1] = cp.clusters;
  let pkg: InstalledPackage;
  let work: string;
  let rawFile: string;
  let client: Client;
  let stderr = "";
  let token: string;
  let cert: { cert: string; key: string };
  let tokenExpiry: number;
  const transportErrors: Error[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "k8s-mcp-pkg-expiry-"));
    const dir = join(work, "kubeconfigs");
    const home = join(work, "home");
    await Promise.all([mkdir(dir), mkdir(home)]);
    const minted = Date.now();
    // A real JWT the apiserver signs with its service-account key, valid for one hour.
    [pkg, token, cert] = await Promise.all([
      installedPackage(cp.root),
      mintNamespacedViewerToken(admin(lax1!), "e2e-expiry", "expiring-reader", 3600),
      makeClientCertificate(1),
    ]);
    tokenExpiry = minted + H;
    const ca = Buffer.from(lax1!.ca).toString("base64");
    await writeKubeconfig(join(dir, "sa-expiring.yaml"), "sa-expiring", lax1!.server, token, ca);
    await writeFile(
      join(dir, "cert-expiring.yaml"),
      stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
          {
            name: "cert-expiring",
            cluster: {
              server: dfw1!.server,
              "certificate-authority-data": Buffer.from(dfw1!.ca).toString("base64"),
            },
          },
        ],
        users: [
          {
            name: "cert-user",
            user: {
              "client-certificate-data": Buffer.from(cert.cert).toString("base64"),
              "client-key-data": Buffer.from(cert.key).toString("base64"),
            },
          },
        ],
        contexts: [{ name: "cert-expiring", context: { cluster: "cert-expiring", user: "cert-user" } }],
        "current-context": "cert-expiring",
      }),
      { mode: 0o600 },
    );
    // An admin token that is not a JWT: no expiry known, so no marker.
    await copyFile(sv5!.kubeconfig, join(dir, "c1-sv5.yaml"));
    const configFile = join(work, "k8s-mcp.toml");
    await writeFile(configFile, ['credential_warning = "24h"', "auto_discovery = false", ""].join("\n"));
    rawFile = join(work, "stdout.jsonl");
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [TEE, rawFile, pkg.bin, "--config", configFile, "--kubeconfig-dir", dir],
      env: { PATH: process.env.PATH ?? "", HOME: home },
      cwd: home,
      stderr: "pipe",
    });
    transport.stderr?.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    client = new Client({ name: "k8s-mcp-package-expiry", version: "1.0.0" });
    client.onerror = (e) => transportErrors.push(e);
    await client.connect(transport);
  }, 300_000);
  afterAll(async () => {
    await client?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  function expectExpiries(by: Record<string, Row>): void {
    const sa = by["sa-expiring"]?.credentials;
    expect(sa).toMatchObject({ source: "token", warning: true });
    expect(sa?.text).toMatch(/^token expires in (5\dm|1h)/);
    expect(Math.abs(Date.parse(sa?.expiresAt ?? "") - tokenExpiry)).toBeLessThan(5 * 60_000);
    const notAfter = new Date(new X509Certificate(cert.cert).validTo).toISOString();
    expect(by["cert-expiring"]?.credentials).toMatchObject({
      source: "client-certificate",
      expiresAt: notAfter,
      warning: true,
    });
    expect(by["cert-expiring"]?.credentials?.text).toMatch(/^client certificate expires in 2[23]h/);
    expect(by["c1-sv5"]).toBeDefined();
    expect(by["c1-sv5"]?.credentials).toBeUndefined();
  }

  it("clusters_status shows each expiry with the warning marker, and who the token is", async () => {
    const res = (await client.callTool({
      name: "clusters_status",
      arguments: { timeout_seconds: 20 },
    })) as CallToolResult;
    expect(res.isError).toBeFalsy();
    const by = byName(res);
    expect(by["sa-expiring"]?.status).toBe("ok");
    expect(by["c1-sv5"]?.status).toBe("ok");
    expectExpiries(by);
    const text = resultText(res);
    expect(text).toMatch(/sa-expiring .*ok .*! token expires in (5\dm|1h)/);
    expect(text).toMatch(/cert-expiring .*! client certificate expires in 2[23]h/);
    expect(text).not.toMatch(/c1-sv5 .*!/);
  });

  it("clusters_list {show_details} shows the same expiries from the files alone, counted under credential_warning", async () => {
    const res = (await client.callTool({
      name: "clusters_list",
      arguments: { show_details: true },
    })) as CallToolResult;
    expect(res.isError).toBeFalsy();
    expectExpiries(byName(res));
    const text = resultText(res);
    expect(text).toMatch(/sa-expiring .*! token expires in (5\dm|1h)/);
    expect(text).toMatch(/cert-expiring .*! client certificate expires in 2[23]h/);
    expect(text).toContain("2 cluster(s) with credentials expiring within credential_warning (24h)");
  });

  it("printed no credential anywhere, only JSON-RPC on stdout, and exits 0 when the client closes stdin", async () => {
    await client.close();
    const exitFile = `${rawFile}.exit`;
    await waitUntil("the server to exit", async () => existsSync(exitFile), 10_000);
    expect(JSON.parse(await readFile(exitFile, "utf8"))).toEqual({ code: 0, signal: null });
    expect(transportErrors).toEqual([]);
    const stdout = await readFile(rawFile, "utf8");
    const secrets = [token, token.split(".")[1] ?? token, cert.key.split("\n")[1] ?? cert.key];
    secrets.push(sv5!.adminToken, lax1!.adminToken);
    for (const secret of secrets) {
      expect(stdout).not.toContain(secret);
      expect(stderr).not.toContain(secret);
    }
    const lines = stdout.split("\n");
    expect(lines.pop()).toBe("");
    expect(lines.length).toBeGreaterThanOrEqual(3); // the answers to initialize and the two calls
    for (const line of lines) {
      const msg = JSON.parse(line) as { jsonrpc?: string; id?: unknown; method?: unknown };
      expect(msg.jsonrpc, line).toBe("2.0");
      expect(msg.id !== undefined || typeof msg.method === "string", line).toBe(true);
    }
  });
});
