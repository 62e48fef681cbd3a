// Starts the HTTP transport in-process against the real test clusters and connects real SDK clients to it.
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { type AddressInfo, connect, createServer as createNetServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import type { CallToolResult, McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { buildDeps, closeDeps } from "../../../src/app.js";
import { ConfigSchema } from "../../../src/config/index.js";
import { createLogger } from "../../../src/log.js";
import type { ServerDeps } from "../../../src/mcp/deps.js";
import { registerTools } from "../../../src/mcp/register.js";
import { createServer, type ServerOptions } from "../../../src/mcp/server.js";
import { defineClusterTool } from "../../../src/mcp/tool.js";
import { type HttpServeOptions, type HttpServerHandle, serveHttp } from "../../../src/transports/http.js";
import type { ControlPlaneInfo } from "../../harness/controlplane.js";
import { writeClusterKubeconfig } from "../../harness/kubeconfig-files.js";
import type { ConfigInput } from "../../helpers/mcp.js";

/**
 * Why: a TEST-ONLY cluster-aware tool (the product's own cluster-aware tools live elsewhere). It runs on the
 * session's active cluster exactly like any cluster-aware tool and asks that real apiserver for /version.
 */
const whoami = defineClusterTool({
  name: "test_whoami",
  title: "Test: which cluster am I on",
  description: "Test-only tool: the resolved cluster and its apiserver version.",
  input: () => z.object({}),
  output: () => z.object({ cluster: z.string(), server: z.string(), version: z.string().nullable() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (_args, ctx) => {
    const v = await ctx.cluster.serverVersion();
    const { server } = await ctx.cluster.info();
    return {
      text: `${ctx.cluster.name} ${v.gitVersion ?? "?"}`,
      structured: { cluster: ctx.cluster.name, server, version: v.gitVersion ?? null },
    };
  },
});

/** Why: the production server plus the test-only tool above. */
export function serverWithWhoami(deps: ServerDeps, options: ServerOptions = {}): McpServer {
  const server = createServer(deps, options);
  registerTools(server, [whoami], deps, options.stateless === true);
  return server;
}

/** Why: what an HTTP test inspects and tears down. */
export interface HttpTestServer {
  handle: HttpServerHandle;
  deps: ServerDeps;
  logs: string[];
  connect: (token?: string) => Promise<TestClient>;
  close: () => Promise<void>;
}

/** Why: a connected SDK client over Streamable HTTP with shortcuts for calls. */
export interface TestClient {
  client: Client;
  transport: StreamableHTTPClientTransport;
  call: (name: string, args?: Record<string, unknown>) => Promise<CallToolResult>;
}

/** Why: connects a real MCP client over Streamable HTTP, optionally with a bearer token. */
export async function connectClient(url: string, token?: string): Promise<TestClient> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: "k8s-mcp-http-test", version: "1.0.0" });
  await client.connect(transport);
  return {
    client,
    transport,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
  };
}

/** Why: every HTTP integration test starts the server the way the CLI does, on an ephemeral loopback port. */
export async function startHttpTestServer(
  input: ConfigInput,
  opts: Partial<
    Pick<
      HttpServeOptions,
      "host" | "token" | "idleTimeoutMs" | "maxBodyBytes" | "maxSessions" | "shutdownGraceMs" | "allowedHosts"
    >
  > = {},
): Promise<HttpTestServer> {
  const logs: string[] = [];
  const logger = createLogger({ level: "debug", write: (l) => logs.push(l) });
  const deps = await buildDeps(ConfigSchema.parse(input), logger, {});
  let handle: HttpServerHandle;
  try {
    handle = await serveHttp({
      deps,
      logger,
      host: opts.host ?? "127.0.0.1",
      port: 0,
      token: opts.token,
      idleTimeoutMs: opts.idleTimeoutMs ?? 60_000,
      maxBodyBytes: opts.maxBodyBytes,
      maxSessions: opts.maxSessions,
      shutdownGraceMs: opts.shutdownGraceMs,
      allowedHosts: opts.allowedHosts,
      createServer: serverWithWhoami,
    });
  } catch (err) {
    closeDeps(deps);
    throw err;
  }
  const clients: TestClient[] = [];
  return {
    handle,
    deps,
    logs,
    connect: async (token) => {
      const c = await connectClient(handle.url, token);
      clients.push(c);
      return c;
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.client.close().catch(() => {})));
      await handle.close();
      closeDeps(deps);
    },
  };
}

/** Why: tests wait for conditions (bounded), never for fixed durations (the one named wait, on vi.waitFor). */
export { waitUntil as waitFor } from "../../helpers/cluster-api.js";

/** Why: a raw HTTP exchange, for what a well-behaved client never sends (foreign Host, bad JSON, ...). */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Why: sends exactly these headers and body (node:http, so Host can be forged); never rejects on EPIPE. */
export function rawRequest(
  url: string,
  init: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: init.method ?? "GET",
        path: init.path ?? target.pathname,
        headers: init.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "EPIPE" && err.code !== "ECONNRESET") reject(err);
    });
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

/** Why: bytes a broken client might send; returns the raw reply (status line first) once the server closes. */
export function rawSocket(url: string, bytes: string): Promise<string> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(target.port), target.hostname, () => socket.write(bytes));
    let reply = "";
    socket.setEncoding("utf8");
    socket.on("data", (c: string) => {
      reply += c;
    });
    socket.on("end", () => resolve(reply));
    socket.on("error", (err: NodeJS.ErrnoException) =>
      err.code === "ECONNRESET" ? resolve(reply) : reject(err),
    );
  });
}

/** Why: the headers a Streamable HTTP POST needs, plus extras. */
export function mcpHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { "content-type": "application/json", accept: "application/json, text/event-stream", ...extra };
}

/** Why: a valid initialize request body for raw tests. */
export const INITIALIZE_BODY: string = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
});

/** Why: a clusters_list call for raw tests inside a session. */
export const LIST_CALL: string = JSON.stringify({
  jsonrpc: "2.0",
  id: 7,
  method: "tools/call",
  params: { name: "clusters_list", arguments: {} },
});

/** Why: structuredContent of a tool result, typed loosely for assertions. */
export function structured(r: CallToolResult): Record<string, unknown> {
  return (r.structuredContent ?? {}) as Record<string, unknown>;
}

/** Why: a cluster whose apiserver accepts TCP connections and never answers (a real hang, for timing tests). */
export interface Blackhole {
  kubeconfigDir: string;
  connections: () => number;
  close: () => Promise<void>;
}

/** Why: the test clusters plus "blackhole", a STUB endpoint (plain TCP that never answers), in a temp dir. */
export async function withBlackhole(cp: ControlPlaneInfo): Promise<Blackhole> {
  const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-http-"));
  for (const c of cp.clusters)
    await copyFile(join(cp.kubeconfigDir, `${c.name}.yaml`), join(dir, `${c.name}.yaml`));
  const sockets = new Set<Socket>();
  let count = 0;
  const tcp = createNetServer((s) => {
    count++;
    sockets.add(s);
    s.on("error", () => {});
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
  const port = (tcp.address() as AddressInfo).port;
  const first = cp.clusters[0]!;
  await writeClusterKubeconfig(join(dir, "blackhole.yaml"), {
    name: "blackhole",
    server: `https://127.0.0.1:${port}`,
    caData: Buffer.from(first.ca).toString("base64"),
    token: "blackhole-token",
    user: "admin",
  });
  return {
    kubeconfigDir: dir,
    connections: () => count,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
