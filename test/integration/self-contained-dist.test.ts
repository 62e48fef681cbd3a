// The built dist/ needs nothing from node_modules: a copy far from any node_modules serves real clusters.
import { cp as copyDir, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer as createHttpServer, type Server } from "node:http";
import { connect, createServer as createTcpServer, type Socket, type Server as TcpServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { stringify } from "yaml";
import { resultText } from "../helpers/mcp.js";

const controlplane = inject("controlplane");
const [sv5] = controlplane.clusters;
const DIST = fileURLToPath(new URL("../../dist", import.meta.url));

async function hasNodeModulesAbove(dir: string): Promise<string | undefined> {
  for (let d = dir; ; d = dirname(d)) {
    const nm = join(d, "node_modules");
    if (
      await stat(nm).then(
        () => true,
        () => false,
      )
    )
      return nm;
    if (dirname(d) === d) return undefined;
  }
}

function kubeconfig(
  name: string,
  user: Record<string, unknown>,
  proxyUrl?: string,
  server = sv5!.server,
): string {
  const cluster = {
    server,
    "certificate-authority-data": Buffer.from(sv5!.ca).toString("base64"),
  };
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: proxyUrl ? { ...cluster, "proxy-url": proxyUrl } : cluster }],
    users: [{ name, user }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
  });
}

// A SOCKS5 proxy (RFC 1928: no authentication, CONNECT only) for the loopback test clusters: it records each
// destination asked for and connects to that port on 127.0.0.1, whatever the name.
function startSocks5(destinations: string[], sockets: Set<Socket>): TcpServer {
  return createTcpServer((down) => {
    sockets.add(down);
    down.on("error", () => {});
    down.on("close", () => sockets.delete(down));
    let stage: "greeting" | "request" = "greeting";
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      if (stage === "greeting") {
        if (buf.length < 2 || buf.length < 2 + (buf[1] ?? 0)) return;
        buf = buf.subarray(2 + (buf[1] ?? 0));
        down.write(Buffer.from([5, 0])); // version 5, "no authentication required"
        stage = "request";
      }
      if (buf.length < 5) return;
      const atyp = buf[3];
      const hostLen = atyp === 1 ? 4 : atyp === 3 ? 1 + (buf[4] ?? 0) : 16;
      if (buf.length < 4 + hostLen + 2) return;
      const host =
        atyp === 1 ? [...buf.subarray(4, 8)].join(".") : buf.subarray(5, 4 + hostLen).toString("latin1");
      const port = buf.readUInt16BE(4 + hostLen);
      const rest = buf.subarray(4 + hostLen + 2);
      down.off("data", onData);
      destinations.push(`${host}:${port}`);
      const up = connect(port, "127.0.0.1", () => {
        down.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0])); // succeeded, bound address not reported
        if (rest.length) up.write(rest);
        up.pipe(down);
        down.pipe(up);
      });
      sockets.add(up);
      up.on("error", () => down.destroy());
      up.on("close", () => sockets.delete(up));
    };
    down.on("data", onData);
  });
}

describe("dist/ is self-contained (no runtime dependencies)", () => {
  let root: string;
  let client: Client;
  let proxy: Server;
  let socks: TcpServer;
  const tunnels: string[] = [];
  const socksTunnels: string[] = [];
  const sockets = new Set<Socket>();
  const call = async (name: string, args: Record<string, unknown>) => {
    const r = (await client.callTool({ name, arguments: args })) as { isError?: boolean };
    return { isError: r.isError === true, text: resultText(r as never) };
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "k8s-mcp-selfcontained-"));
    await copyDir(DIST, join(root, "pkg", "dist"), { recursive: true });
    const kubeconfigs = join(root, "kubeconfigs");
    await mkdir(kubeconfigs);
    // An exec credential plugin (client-node's ExecAuth path) and a static token, both on the real c1-sv5.
    const plugin = join(root, "cred-plugin.sh");
    const credential = JSON.stringify({
      apiVersion: "client.authentication.k8s.io/v1",
      kind: "ExecCredential",
      status: { token: sv5!.adminToken },
    });
    await writeFile(plugin, `#!/bin/sh\necho '${credential}'\n`, { mode: 0o755 });
    await writeFile(join(kubeconfigs, "via-token.yaml"), kubeconfig("via-token", { token: sv5!.adminToken }));
    await writeFile(
      join(kubeconfigs, "via-exec.yaml"),
      kubeconfig("via-exec", {
        exec: { apiVersion: "client.authentication.k8s.io/v1", command: plugin, interactiveMode: "Never" },
      }),
    );
    // An HTTP CONNECT proxy in front of c1-sv5, for proxy-url (client-node's bundled proxy agent).
    proxy = createHttpServer();
    proxy.on("connect", (req, downstream: Socket, head: Buffer) => {
      tunnels.push(req.url ?? "");
      const [host, port] = (req.url ?? "").split(":");
      const upstream = connect(Number(port), host, () => {
        downstream.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(downstream);
        downstream.pipe(upstream);
      });
      for (const sock of [downstream, upstream]) {
        sockets.add(sock);
        sock.on("error", () => {});
        sock.on("close", () => sockets.delete(sock));
      }
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    const address = proxy.address();
    const proxyPort = typeof address === "object" && address ? address.port : 0;
    await writeFile(
      join(kubeconfigs, "via-proxy.yaml"),
      kubeconfig("via-proxy", { token: sv5!.adminToken }, `http://127.0.0.1:${proxyPort}`),
    );
    // A SOCKS5 proxy-url: client-node's SOCKS agent, which the bundle loads only when one is first built.
    socks = startSocks5(socksTunnels, sockets);
    await new Promise<void>((r) => socks.listen(0, "127.0.0.1", r));
    const socksAddress = socks.address();
    const socksPort = typeof socksAddress === "object" && socksAddress ? socksAddress.port : 0;
    await writeFile(
      join(kubeconfigs, "via-socks.yaml"),
      // By a name the proxy resolves (socks5h): socks-proxy-agent sends no SNI for an IP address and then checks
      // the certificate for "localhost"; the apiserver's certificate names "kubernetes".
      kubeconfig(
        "via-socks",
        { token: sv5!.adminToken },
        `socks5h://127.0.0.1:${socksPort}`,
        sv5!.server.replace("127.0.0.1", "kubernetes"),
      ),
    );
    // The configuration comes from TOML, so the lazily imported TOML parser is exercised too.
    const configFile = join(root, "k8s-mcp.toml");
    await writeFile(configFile, `kubeconfig_dir = "${kubeconfigs}"\ndefault_cluster = "via-token"\n`);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [join(root, "pkg", "dist", "cli.cjs"), "--config", configFile],
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: root, NODE_PATH: "", KUBECONFIG: "" },
      stderr: "pipe",
    });
    client = new Client({ name: "self-contained", version: "1.0.0" });
    await client.connect(transport);
  });
  afterAll(async () => {
    await client?.close();
    for (const sock of sockets) sock.destroy();
    if (proxy) await new Promise<void>((r) => proxy.close(() => r()));
    if (socks) await new Promise<void>((r) => socks.close(() => r()));
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("runs from a copy with no node_modules anywhere above it", async () => {
    expect(await hasNodeModulesAbove(join(root, "pkg", "dist"))).toBeUndefined();
    expect((await readdir(join(root, "pkg", "dist"))).some((f) => f.startsWith("kubeconfig-loader"))).toBe(
      true,
    );
  });

  it("takes http, https, crypto, tls and child_process from require(), never an ES import (whose namespace runs their getters)", async () => {
    // An ES import of node:http reads http.WebSocket and so loads undici on Node 24 (+13 MB RSS, ~20 ms).
    const files = (await readdir(DIST)).filter((f) => f.endsWith(".js"));
    const offenders: string[] = [];
    for (const f of files) {
      const text = await readFile(join(DIST, f), "utf8");
      if (
        /\bfrom\s*"(node:)?(http|https|crypto|tls|child_process)"|import\(\s*"(node:)?(http|https|crypto|tls|child_process)"\s*\)/.test(
          text,
        )
      )
        offenders.push(f);
    }
    expect(files.length).toBeGreaterThan(5);
    expect(offenders).toEqual([]);
    // …and the kube client still reaches https, through a require() call.
    const texts = await Promise.all(files.map((f) => readFile(join(DIST, f), "utf8")));
    expect(texts.some((t) => /\w\("node:https"\)/.test(t))).toBe(true);
  });

  it("authenticates with a token, an exec plugin and through HTTP and SOCKS5 proxy-urls, via the bundled client-node", async () => {
    for (const cluster of ["via-token", "via-exec", "via-proxy", "via-socks"]) {
      const r = await call("namespaces_list", { cluster });
      expect(r.isError, r.text).toBe(false);
      expect(r.text).toContain("kube-system");
    }
    expect(tunnels).toContain(new URL(sv5!.server).host);
    expect(socksTunnels).toContain(`kubernetes:${new URL(sv5!.server).port}`);
    const byDefault = await call("namespaces_list", {}); // default_cluster, read from the TOML file
    expect(byDefault.isError, byDefault.text).toBe(false);
    expect(byDefault.text).toContain("kube-system");
  });

  it("loads the lazily bundled YAML parser with its named exports (resources_get as YAML, configuration_view)", async () => {
    const ns = await call("resources_get", {
      cluster: "via-token",
      apiVersion: "v1",
      kind: "Namespace",
      name: "default",
    });
    expect(ns.isError, ns.text).toBe(false);
    expect(ns.text).toMatch(/^kind: Namespace$/m);
    const view = await call("configuration_view", { cluster: "via-exec" });
    expect(view.isError, view.text).toBe(false);
    expect(view.text).toContain("via-exec");
  });
});
