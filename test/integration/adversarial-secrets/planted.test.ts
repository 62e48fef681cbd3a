// Planted secrets, against real clusters through a real MCP client: Secret values in every YAML/JSON spelling the
// suite knows, kubeconfig tokens and passwords, URL userinfo, exec-plugin args and env, auth-provider config. Each
// planted value is grepped across every tool output (text and structured), every log line and the audit_log file.
import { existsSync } from "node:fs";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { stringify } from "yaml";
import { apiRequest } from "../../harness/https.js";
import { freePort } from "../../harness/ports.js";
import { admin } from "../../helpers/cluster-api.js";
import { resultText, startTestServer, type TestServer } from "../../helpers/mcp.js";
import { B64, SECRET_ENCODINGS, V } from "../../helpers/secret-encodings.js";
import { kubeconfigOf, tempDir } from "../isolation/helpers.js";

const cp = inject("controlplane");
const [sv5, lax1] = cp.clusters;

// Everything the server let out: results (text and structured), log lines, audit file.
class Exposure {
  private readonly seen: string[] = [];
  add(r: CallToolResult): CallToolResult {
    this.seen.push(resultText(r), JSON.stringify(r.structuredContent ?? {}));
    return r;
  }
  async all(ts: TestServer, auditFile: string): Promise<string> {
    const audit = existsSync(auditFile) ? await readFile(auditFile, "utf8") : "";
    return [...this.seen, ...ts.logs, JSON.stringify(ts.records), audit].join("\n");
  }
}

describe("Secret values in every encoding never leave the server", () => {
  let ts: TestServer;
  let auditFile = "";
  const out = new Exposure();
  const suffix = Math.random().toString(36).slice(2, 8);
  const applied: string[] = [];
  const refusedLabels: string[] = [];

  beforeAll(async () => {
    auditFile = join(await tempDir("audit"), "audit.jsonl");
    ts = await startTestServer({
      kubeconfig_dir: cp.kubeconfigDir,
      default_cluster: "c1-lax1",
      audit_log: auditFile,
    });
  });
  afterAll(async () => ts?.close());

  it("applies each encoding for real, and no output, log line or audit line holds the value", async () => {
    for (const [i, [label, manifest]] of Object.entries(SECRET_ENCODINGS).entries()) {
      const name = `adv-${suffix}-${i}`;
      const res = out.add(
        await ts.call("resources_create_or_update", { resource: manifest.replaceAll("s1", name) }),
      );
      if (res.isError) refusedLabels.push(label);
      if (res.isError) continue; // refused by the apply path (a List kind, an unknown field): still grepped below
      applied.push(name);
      // Precondition: the cluster really holds the planted value, so only redaction keeps it out of the output.
      const stored = await apiRequest(admin(lax1!), "GET", `/api/v1/namespaces/default/secrets/${name}`);
      expect(stored.status, label).toBe(200);
      expect(stored.body, label).toContain(B64);
      out.add(
        await ts.call("resources_get", { apiVersion: "v1", kind: "Secret", name, namespace: "default" }),
      );
      out.add(
        await ts.call("resources_get", { apiVersion: "v1", kind: "secret", name, namespace: "default" }),
      );
    }
    // Refused by the apply path or the apiserver: a SecretList is no object to apply, and an unknown field.
    expect(refusedLabels).toEqual(["secretList", "misplacedValue"]);
    out.add(await ts.call("resources_list", { apiVersion: "v1", kind: "Secret", namespace: "default" }));
    const yaml = await startTestServer({
      kubeconfig_dir: cp.kubeconfigDir,
      default_cluster: "c1-lax1",
      list_output: "yaml",
    });
    try {
      out.add(await yaml.call("resources_list", { apiVersion: "v1", kind: "Secret", namespace: "default" }));
      expect(yaml.logs.join("")).not.toContain(V);
    } finally {
      await yaml.close();
    }
    out.add(
      await ts.call("clusters_compare", {
        apiVersion: "v1",
        kind: "Secret",
        namespace: "default",
        clusters: ["c1-lax1", "c1-sv5"],
      }),
    );
    out.add(
      await ts.call("clusters_exec_all", {
        operation: "resources_get",
        clusters: ["c1-lax1"],
        parameters: { apiVersion: "v1", kind: "Secret", name: applied[0], namespace: "default" },
      }),
    );
    out.add(
      await ts.call("clusters_exec_all", {
        operation: "resources_create_or_update",
        clusters: ["c1-lax1"],
        parameters: { resource: SECRET_ENCODINGS.lowerCase!.replaceAll("s1", `adv-${suffix}-fan`) },
      }),
    );
    const all = await out.all(ts, auditFile);
    expect(all).toContain(applied[0]); // the records are there and name what was applied
    expect(all).not.toContain(V);
    expect(all).not.toContain(B64);
    const lines = (await readFile(auditFile, "utf8")).trim().split("\n");
    expect(lines.length).toBeGreaterThan(Object.keys(SECRET_ENCODINGS).length);
  });
});

describe("kubeconfig credentials never leave the server", () => {
  let ts: TestServer;
  let dir = "";
  let auditFile = "";
  let marker = "";
  const out = new Exposure();
  const planted = {
    urlPassword: "PLANTED-URL-PW-1a2b",
    urlPasswordDown: "PLANTED-URL-PW-DOWN-3c4d",
    proxyPassword: "PLANTED-PROXY-PW-5e6f",
    execArg: "PLANTED-EXEC-ARG-7a8b",
    execSpaced: "PLANTED-EXEC-SPACED-9c0d",
    execEnv: "PLANTED-EXEC-ENV-1e2f",
    execStderr: "PLANTED-EXEC-STDERR-3a4b",
    idToken: "PLANTED-ID-TOKEN-5c6d",
    clientSecret: "PLANTED-CLIENT-SECRET-7e8f",
    basicPassword: "PLANTED-BASIC-PW-9a0b",
  };

  beforeAll(async () => {
    dir = await tempDir("creds");
    auditFile = join(dir, "audit.jsonl");
    marker = join(dir, "plugin-ran");
    const base = await kubeconfigOf(sv5!);
    const cluster = base.clusters[0] as { name: string; cluster: Record<string, unknown> };
    const server = String(cluster.cluster.server);
    const write = async (
      file: string,
      clusterFields: Record<string, unknown>,
      user: Record<string, unknown>,
    ) => {
      const doc = {
        ...base,
        clusters: [{ name: cluster.name, cluster: { ...cluster.cluster, ...clusterFields } }],
        users: [{ name: "u", user }],
        contexts: [{ name: "ctx", context: { cluster: cluster.name, user: "u" } }],
        "current-context": "ctx",
      };
      await writeFile(join(dir, file), stringify(doc), { mode: 0o600 });
    };
    const token = { token: sv5!.adminToken };
    await write(
      "userinfo.yaml",
      { server: server.replace("https://", `https://planted-user:${planted.urlPassword}@`) },
      token,
    );
    const down = `https://planted-user:${planted.urlPasswordDown}@127.0.0.1:${await freePort()}`;
    await write("down.yaml", { server: down }, token);
    const proxy = `http://pu:${planted.proxyPassword}@127.0.0.1:${await freePort()}`;
    await write("proxied.yaml", { "proxy-url": proxy }, token);
    const plugin = join(dir, "plugin.sh");
    await writeFile(
      plugin,
      `#!/bin/sh\ntouch "${marker}"\necho "--token=${planted.execStderr}" >&2\nexit 1\n`,
    );
    await chmod(plugin, 0o700);
    await write(
      "execy.yaml",
      {},
      {
        exec: {
          apiVersion: "client.authentication.k8s.io/v1",
          command: plugin,
          args: [`--token=${planted.execArg}`, "--client-secret", planted.execSpaced, "--verbose"],
          env: [{ name: "API_KEY", value: planted.execEnv }],
          interactiveMode: "Never",
        },
      },
    );
    await write(
      "oidc.yaml",
      {},
      {
        "auth-provider": {
          name: "oidc",
          config: { "id-token": planted.idToken, "client-secret": planted.clientSecret, "client-id": "x" },
        },
      },
    );
    await write("basic.yaml", {}, { username: "admin", password: planted.basicPassword });
    ts = await startTestServer({ kubeconfig_dir: dir, auto_discovery: false, audit_log: auditFile });
  });
  afterAll(async () => ts?.close());

  it("configuration_view works without building a client (the exec plugin never runs) and shows no credential", async () => {
    for (const cluster of ["userinfo", "down", "proxied", "execy", "oidc", "basic"]) {
      for (const minified of [true, false]) {
        const view = out.add(await ts.call("configuration_view", { cluster, minified }));
        expect(view.isError, `${cluster}: ${resultText(view)}`).toBeFalsy();
        expect(resultText(view)).toContain("<redacted>");
      }
    }
    expect(existsSync(marker)).toBe(false);
    const view = await ts.text("configuration_view", { cluster: "execy" });
    expect(view).toContain("--verbose"); // non-secret arguments stay readable
    expect(view).toContain("API_KEY");
  });

  it("every tool output, log line and audit line is free of every planted credential", async () => {
    out.add(await ts.call("clusters_list", { show_details: true }));
    const status = out.add(await ts.call("clusters_status", { timeout_seconds: 5 }));
    const rows = (status.structuredContent as { clusters: { cluster: string; status: string }[] }).clusters;
    expect(rows.find((r) => r.cluster === "userinfo")?.status).toBe("ok"); // the URL's userinfo is not needed
    expect(rows.find((r) => r.cluster === "down")?.status).toBe("unreachable");
    for (const cluster of ["userinfo", "down", "proxied", "execy", "oidc", "basic"]) {
      out.add(await ts.call("namespaces_list", { cluster }));
      out.add(await ts.call("clusters_switch", { cluster }));
    }
    out.add(await ts.call("clusters_exec_all", { operation: "namespaces_list" }));
    expect(existsSync(marker)).toBe(true); // the plugin did run for the calls that need credentials
    const all = await out.all(ts, auditFile);
    expect(all).toContain("127.0.0.1"); // servers are still shown, without their userinfo
    for (const [what, value] of Object.entries({ ...planted, adminToken: sv5!.adminToken })) {
      expect(all, what).not.toContain(value);
    }
  });
});
