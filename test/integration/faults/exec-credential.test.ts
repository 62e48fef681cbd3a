// Fault matrix, exec credential plugins: real plugin processes authenticating to a real cluster. Asserts
// the answer, plugin runs (caching), kill by pid on timeout and shutdown, environment and stderr hygiene.
import { copyFile, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { waitUntil } from "../../helpers/cluster-api.js";
import { resultText, startTestServer, type TestServer } from "../../helpers/mcp.js";
import { INITIALIZE_PARAMS, spawnServer } from "../../helpers/stdio-process.js";
import {
  envList,
  execKubeconfig,
  HUNG_PLUGIN,
  NOISY_PLUGIN,
  pluginDir,
  runs,
  TOKEN_PLUGIN,
  writePlugin,
} from "./exec-plugins.js";
import { childrenOf, isAlive, memoryMiB } from "./proc.js";

const cp = inject("controlplane");
const [sv5, lax1] = cp.clusters;
const V1 = "client.authentication.k8s.io/v1";
const V1BETA1 = "client.authentication.k8s.io/v1beta1";
const SERVER_SECRETS = {
  RANCHER_TOKEN: "token-abcde:rancher-secret-value",
  K8S_MCP_HTTP_TOKEN: "http-token-xyz-123",
};

async function pids(file: string): Promise<number[]> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.split("\n").filter(Boolean).map(Number);
}

describe("exec credential plugins", () => {
  let dir: string;
  let ts: TestServer;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    dir = await pluginDir();
    for (const [k, v] of Object.entries(SERVER_SECRETS)) {
      saved[k] = process.env[k];
      process.env[k] = v; // the server's own environment holds secrets a plugin must never see
    }
    const token = await writePlugin(dir, "token-plugin", TOKEN_PLUGIN);
    const hung = await writePlugin(dir, "hung-plugin", HUNG_PLUGIN);
    const noisy = await writePlugin(dir, "noisy-plugin", NOISY_PLUGIN);
    const kc = join(dir, "kubeconfigs");
    await import("node:fs/promises").then((fs) => fs.mkdir(kc));
    const tokenEnv = (name: string, extra: Record<string, string> = {}) =>
      envList({
        RUN_LOG: join(dir, `${name}.runs`),
        ENV_DUMP: join(dir, `${name}.env`),
        GOOD_TOKEN: sv5!.adminToken,
        ...extra,
      });
    await execKubeconfig(join(kc, "plug-v1.yaml"), sv5!, {
      apiVersion: V1,
      command: token,
      interactiveMode: "Never",
      env: tokenEnv("plug-v1", { API_VERSION: V1 }),
    });
    const soon = new Date(Date.now() + 1000).toISOString(); // inside the refresh skew: always stale
    await execKubeconfig(join(kc, "plug-expiring.yaml"), sv5!, {
      apiVersion: V1BETA1,
      command: token,
      env: tokenEnv("plug-expiring", { API_VERSION: V1BETA1, EXPIRES: soon }),
    });
    const later = new Date(Date.now() + 3_600_000).toISOString();
    await execKubeconfig(join(kc, "plug-hour.yaml"), sv5!, {
      apiVersion: V1BETA1,
      command: token,
      provideClusterInfo: true,
      env: tokenEnv("plug-hour", { API_VERSION: V1BETA1, EXPIRES: later }),
    });
    await execKubeconfig(join(kc, "plug-401.yaml"), sv5!, {
      apiVersion: V1,
      command: token,
      interactiveMode: "IfAvailable",
      env: tokenEnv("plug-401", { API_VERSION: V1, BAD_FIRST: "1" }),
    });
    await execKubeconfig(join(kc, "plug-hung.yaml"), sv5!, {
      apiVersion: V1,
      command: hung,
      interactiveMode: "Never",
      env: envList({ PID_FILE: join(dir, "hung.pids") }),
    });
    await execKubeconfig(join(kc, "plug-noisy.yaml"), sv5!, {
      apiVersion: V1,
      command: noisy,
      interactiveMode: "Never",
      env: envList({ PLUGIN_SECRET: "plugin-secret-4f9a2c" }),
    });
    await execKubeconfig(join(kc, "plug-missing.yaml"), sv5!, {
      apiVersion: V1,
      command: join(dir, "no-such-plugin"),
      interactiveMode: "Never",
      installHint: "install it with: brew install no-such-plugin",
    });
    await execKubeconfig(join(kc, "plug-interactive.yaml"), sv5!, {
      apiVersion: V1,
      command: token,
      interactiveMode: "Always",
    });
    await copyFile(lax1!.kubeconfig, join(kc, `${lax1!.name}.yaml`));
    ts = await startTestServer({ kubeconfig_dir: kc, auto_discovery: false, request_timeout: "2s" });
  });
  afterAll(async () => {
    await ts?.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const list = (cluster: string) => ts.call("namespaces_list", { cluster });
  const stillServes = async (): Promise<void> => {
    const r = await list(lax1!.name);
    expect(r.isError).toBeFalsy();
    expect((r.structuredContent as { cluster: string }).cluster).toBe(lax1!.name);
    expect(childrenOf(process.pid).filter((p) => p !== process.pid)).toEqual([]);
    expect(memoryMiB(process.pid).rss).toBeLessThan(1024);
  };

  it("a credential without expiry is fetched once for a burst and for later calls", async () => {
    const burst = await Promise.all(Array.from({ length: 12 }, () => list("plug-v1")));
    for (const r of burst) {
      expect(r.isError, resultText(r)).toBeFalsy();
      expect((r.structuredContent as { cluster: string }).cluster).toBe("plug-v1");
    }
    for (let i = 0; i < 3; i++) expect((await list("plug-v1")).isError).toBeFalsy();
    expect(await runs(join(dir, "plug-v1.runs"))).toBe(1);
    await stillServes();
  });

  it("the plugin gets a minimal environment: no server secrets, the kubeconfig's env, KUBERNETES_EXEC_INFO", async () => {
    const env = await readFile(join(dir, "plug-v1.env"), "utf8");
    expect(env).not.toContain("RANCHER_TOKEN");
    expect(env).not.toContain(SERVER_SECRETS.RANCHER_TOKEN);
    expect(env).not.toContain("K8S_MCP_HTTP_TOKEN");
    expect(env).not.toContain(SERVER_SECRETS.K8S_MCP_HTTP_TOKEN);
    expect(env).toMatch(/^PATH=/m);
    expect(env).toMatch(/^RUN_LOG=/m);
    const info = /^KUBERNETES_EXEC_INFO=(.*)$/m.exec(env)?.[1] ?? "{}";
    expect(JSON.parse(info)).toEqual({
      apiVersion: V1,
      kind: "ExecCredential",
      spec: { interactive: false },
    });
    // provideClusterInfo: the cluster's server and CA are passed in spec.cluster.
    expect((await list("plug-hour")).isError).toBeFalsy();
    const hourEnv = await readFile(join(dir, "plug-hour.env"), "utf8");
    const hourInfo = JSON.parse(/^KUBERNETES_EXEC_INFO=(.*)$/m.exec(hourEnv)?.[1] ?? "{}") as {
      spec: { cluster?: { server?: string; "certificate-authority-data"?: string } };
    };
    expect(hourInfo.spec.cluster?.server).toBe(sv5!.server);
    expect(hourInfo.spec.cluster?.["certificate-authority-data"]).toBe(
      Buffer.from(sv5!.ca).toString("base64"),
    );
  });

  it("an expiring credential is fetched again, one with an hour left is reused", async () => {
    for (let i = 0; i < 3; i++) expect((await list("plug-expiring")).isError).toBeFalsy();
    expect(await runs(join(dir, "plug-expiring.runs"))).toBe(3);
    for (let i = 0; i < 3; i++) expect((await list("plug-hour")).isError).toBeFalsy();
    expect(await runs(join(dir, "plug-hour.runs"))).toBe(1);
  });

  it("a 401 drops the cached credential: the next call runs the plugin again and succeeds", async () => {
    const first = await list("plug-401");
    expect(first.isError).toBe(true);
    expect(resultText(first)).toMatch(/401|[Uu]nauthorized/);
    const second = await list("plug-401");
    expect(second.isError, resultText(second)).toBeFalsy();
    expect(await runs(join(dir, "plug-401.runs"))).toBe(2);
    expect((await list("plug-401")).isError).toBeFalsy();
    expect(await runs(join(dir, "plug-401.runs"))).toBe(2);
  });

  it("a hung plugin is cut off at request_timeout and killed with its children (checked by pid)", async () => {
    const started = Date.now();
    const r = await list("plug-hung");
    expect(Date.now() - started).toBeLessThan(6000);
    expect(r.isError).toBe(true);
    expect(resultText(r)).toMatch(/plug-hung/);
    expect(resultText(r)).toMatch(/not (answer|ready) within 2000 ms/);
    const hung = await pids(join(dir, "hung.pids"));
    expect(hung).toHaveLength(2); // the plugin and the sleep it started
    await waitUntil("plugin processes gone", async () => hung.every((p) => !isAlive(p)), 5000);
    await stillServes();
  });

  it("plugin stderr reaches errors and audit scrubbed and short", async () => {
    const r = await list("plug-noisy");
    expect(r.isError).toBe(true);
    const text = resultText(r);
    expect(text).toMatch(/exec credential plugin .* failed \(exit 3\): login failed for <redacted>/);
    expect(text).not.toContain("plugin-secret-4f9a2c");
    expect(text).not.toContain("\u001b");
    expect(text.length).toBeLessThan(700);
    const audited = JSON.stringify(ts.records.filter((rec) => rec.cluster === "plug-noisy"));
    expect(audited).toContain("<redacted>");
    expect(audited).not.toContain("plugin-secret-4f9a2c");
    await stillServes();
  });

  it("a missing plugin shows its installHint; interactiveMode Always is refused with a reason", async () => {
    const missing = await list("plug-missing");
    expect(missing.isError).toBe(true);
    expect(resultText(missing)).toMatch(/was not found: install it with: brew install no-such-plugin/);
    const interactive = await list("plug-interactive");
    expect(interactive.isError).toBe(true);
    expect(resultText(interactive)).toMatch(/interactiveMode Always/);
    await stillServes();
  });
});

describe("exec plugins and server shutdown (built binary)", () => {
  it("a plugin still running when stdin closes is killed with its children", async () => {
    const dir = await pluginDir();
    try {
      const hung = await writePlugin(dir, "hung-plugin", HUNG_PLUGIN);
      const kc = join(dir, "kc");
      await import("node:fs/promises").then((fs) => fs.mkdir(kc));
      await execKubeconfig(join(kc, "plug-hung.yaml"), sv5!, {
        apiVersion: V1,
        command: hung,
        interactiveMode: "Never",
        env: envList({ PID_FILE: join(dir, "hung.pids") }),
      });
      const srv = spawnServer(["--kubeconfig-dir", kc], { RANCHER_TOKEN: SERVER_SECRETS.RANCHER_TOKEN });
      await srv.request("initialize", INITIALIZE_PARAMS, 20_000);
      srv.notify("notifications/initialized");
      void srv
        .request("tools/call", { name: "namespaces_list", arguments: { cluster: "plug-hung" } }, 60_000)
        .catch(() => {});
      await waitUntil("plugin started", async () => (await pids(join(dir, "hung.pids"))).length === 2);
      const hungPids = await pids(join(dir, "hung.pids"));
      expect(hungPids.every(isAlive)).toBe(true);
      srv.child.stdin?.end();
      const { code } = await srv.exited;
      expect(code).toBe(0);
      await waitUntil("plugin processes gone", async () => hungPids.every((p) => !isAlive(p)), 5000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
