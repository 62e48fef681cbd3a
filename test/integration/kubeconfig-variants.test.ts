// Kubeconfigs beyond a static token: exec credential plugins that hang, plain-HTTP servers, proxy-url.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer as createHttpServer, type Server } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { stringify } from "yaml";
import { waitUntil } from "../helpers/cluster-api.js";
import { resultText, startTestServer, type TestServer } from "../helpers/mcp.js";

const cp = inject("controlplane");
const [sv5] = cp.clusters;

function kubeconfig(name: string, cluster: Record<string, unknown>, user: Record<string, unknown>): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster }],
    users: [{ name, user }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
  });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const a = server.address();
  return typeof a === "object" && a ? a.port : 0;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("unusual kubeconfigs", () => {
  let dir: string;
  let ts: TestServer;
  let plain: Server;
  let proxy: Server;
  const connects: string[] = [];
  const sockets = new Set<Socket>();
  // The stuck plugin records its pid, so the test counts and ends exactly its own processes.
  const pluginPids = async (): Promise<number[]> =>
    (await readFile(join(dir, "plugin.pids"), "utf8").catch(() => ""))
      .split("\n")
      .filter(Boolean)
      .map(Number);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "k8s-mcp-variants-"));
    const caData = Buffer.from(sv5!.ca).toString("base64");
    // 1. An exec credential plugin that never returns (a device-code login nobody completes).
    const plugin = join(dir, "stuck-plugin.sh");
    await writeFile(plugin, `#!/bin/sh\necho $$ >> "${join(dir, "plugin.pids")}"\nexec sleep 3600\n`, {
      mode: 0o755,
    });
    await writeFile(
      join(dir, "stuck-exec.yaml"),
      kubeconfig(
        "stuck-exec",
        { server: sv5!.server, "certificate-authority-data": caData },
        {
          exec: { apiVersion: "client.authentication.k8s.io/v1", command: plugin, interactiveMode: "Never" },
        },
      ),
    );
    // 2. A plain-HTTP endpoint in front of the real c1-sv5 that adds the admin token (what `kubectl proxy` does).
    plain = createHttpServer((req, res) => {
      const { host: _host, ...forwarded } = req.headers;
      const up = httpsRequest(
        new URL(req.url ?? "/", sv5!.server),
        {
          method: req.method,
          ca: sv5!.ca,
          headers: { ...forwarded, authorization: `Bearer ${sv5!.adminToken}` },
        },
        (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      up.on("error", () => res.destroy());
      req.pipe(up);
    });
    const plainPort = await listen(plain);
    await writeFile(
      join(dir, "plain-http.yaml"),
      kubeconfig("plain-http", { server: `http://127.0.0.1:${plainPort}` }, {}),
    );
    // 3. A real cluster reachable through an HTTP CONNECT proxy (proxy-url).
    proxy = createHttpServer();
    proxy.on("connect", (req, client: Socket, head: Buffer) => {
      connects.push(req.url ?? "");
      const [host, port] = (req.url ?? "").split(":");
      const upstream = connect(Number(port), host, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on("error", () => {});
        s.on("close", () => sockets.delete(s));
      }
    });
    const proxyPort = await listen(proxy);
    await writeFile(
      join(dir, "via-proxy.yaml"),
      kubeconfig(
        "via-proxy",
        {
          server: sv5!.server,
          "certificate-authority-data": caData,
          "proxy-url": `http://127.0.0.1:${proxyPort}`,
        },
        { token: sv5!.adminToken },
      ),
    );
    ts = await startTestServer({ kubeconfig_dir: dir, request_timeout: "1500ms", auto_discovery: false });
  });
  afterAll(async () => {
    await ts?.close();
    for (const pid of await pluginPids()) if (alive(pid)) process.kill(pid, "SIGKILL");
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => plain.close(() => r()));
    await new Promise<void>((r) => proxy.close(() => r()));
  });

  it("bounds a hanging exec credential plugin by the timeouts, on every call, without piling up plugins", async () => {
    const started = Date.now();
    const status = await ts.call("clusters_status", { clusters: ["stuck-exec"], timeout_seconds: 2 });
    expect(Date.now() - started).toBeLessThan(5000); // 2 s timeout plus slack for a loaded machine
    expect(status.structuredContent).toMatchObject({
      clusters: [{ cluster: "stuck-exec", status: "timeout" }],
    });
    for (let i = 0; i < 2; i++) {
      const t = Date.now();
      const res = await ts.call("namespaces_list", { cluster: "stuck-exec" });
      expect(res.isError).toBe(true);
      expect(resultText(res)).toMatch(/(not ready|exec credential plugin .* did not answer) within 1500 ms/);
      expect(Date.now() - t).toBeLessThan(4500); // 1.5 s request_timeout plus slack
    }
    // A stuck plugin is killed at the timeout: none piles up, none is left running.
    await waitUntil(
      "stuck plugins killed",
      async () => (await pluginPids()).filter(alive).length === 0,
      5000,
    );
    expect((await pluginPids()).length).toBeGreaterThan(0);
  });

  it("talks to a plain-HTTP API server (kubectl proxy style) in front of a real cluster", async () => {
    const status = await ts.call("clusters_status", { clusters: ["plain-http"] });
    expect(status.structuredContent).toMatchObject({ clusters: [{ cluster: "plain-http", status: "ok" }] });
    expect((status.structuredContent as { clusters: { version: string }[] }).clusters[0]?.version).toMatch(
      /^v1\.36\./,
    );
    expect(await ts.text("namespaces_list", { cluster: "plain-http" })).toContain("kube-system");
  });

  it("goes through the kubeconfig's proxy-url to a real cluster", async () => {
    const res = await ts.call("namespaces_list", { cluster: "via-proxy" });
    expect(res.isError).toBeFalsy();
    expect(resultText(res)).toContain("kube-system");
    expect(connects).toContain(new URL(sv5!.server).host);
  });
});
