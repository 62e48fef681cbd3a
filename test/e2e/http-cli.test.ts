// End to end: the BUILT binary in HTTP mode (--port 0), a real SDK client, SIGTERM and exit code 0.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { describe, expect, inject, it } from "vitest";
import { type RunningHttpCli, startHttpCli } from "../helpers/http-cli.js";

const cp = inject("controlplane");
const CLI = fileURLToPath(new URL("../../dist/cli.cjs", import.meta.url));
const TOKEN = "e2e-http-token-9b7c1d";

function startCli(args: string[], env: Record<string, string> = {}): Promise<RunningHttpCli> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const base = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
  return startHttpCli(process.execPath, [CLI, ...args], { ...base, ...env });
}

async function connect(url: string, token?: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: token ? { headers: { authorization: `Bearer ${token}` } } : {},
  });
  const client = new Client({ name: "k8s-mcp-e2e", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

describe("k8s-mcp --port (built binary)", () => {
  it("serves Streamable HTTP on an ephemeral port and exits 0 on SIGTERM", async () => {
    const cli = await startCli(["--kubeconfig-dir", cp.kubeconfigDir, "--port", "0"]);
    try {
      const health = await fetch(cli.url.replace(/\/mcp$/, "/healthz"));
      expect(health.status).toBe(200);
      const client = await connect(cli.url);
      const r = (await client.callTool({ name: "clusters_list", arguments: {} })) as CallToolResult;
      expect(r.isError).toBeFalsy();
      const names = (r.structuredContent as { clusters: Array<{ name: string }> }).clusters.map(
        (c) => c.name,
      );
      expect(names.sort()).toEqual(["c1-dfw1", "c1-lax1", "c1-sv5"]);
      const switched = (await client.callTool({
        name: "clusters_switch",
        arguments: { cluster: "c1-lax1" },
      })) as CallToolResult;
      expect(switched.isError).toBeFalsy();

      cli.child.kill("SIGTERM");
      expect(await cli.exit).toBe(0);
      expect(cli.stdout()).toBe("");
      expect(cli.stderr()).toContain("HTTP server stopped");
      await client.close().catch(() => {});
    } finally {
      if (cli.child.exitCode === null) cli.child.kill("SIGKILL");
    }
  });

  it("serves 50 sessions from one address, each holding its event stream, under the default connection limits", async () => {
    // One MCP client process with many sessions (a gateway, a proxy) holds a GET stream per session and pools its
    // POSTs: ~100 connections from one address. Under a per-client cap below that, the server evicts idle
    // keep-alive connections the client is about to reuse, and calls fail with "other side closed".
    const cli = await startCli(["--kubeconfig-dir", cp.kubeconfigDir, "--port", "0"]);
    const clients: Client[] = [];
    try {
      for (let i = 0; i < 50; i++) clients.push(await connect(cli.url));
      const failures: string[] = [];
      for (let round = 0; round < 20; round++) {
        const results = await Promise.all(
          clients.map((c) =>
            c.callTool({ name: "clusters_list", arguments: {} }).then(
              (r) => (r.isError ? `isError: ${JSON.stringify(r.content)}` : undefined),
              (e: unknown) => `round ${round}: ${String((e as { cause?: unknown }).cause ?? e)}`,
            ),
          ),
        );
        failures.push(...results.filter((r): r is string => r !== undefined));
      }
      expect(failures).toEqual([]);
      expect(cli.stderr()).not.toMatch(/ (WARN|ERROR) /);
    } finally {
      await Promise.all(clients.map((c) => c.close().catch(() => {})));
      cli.child.kill("SIGKILL");
    }
  });

  it("requires the token from K8S_MCP_HTTP_TOKEN, never logs it, and exits 0 on SIGINT", async () => {
    const cli = await startCli(
      ["--kubeconfig-dir", cp.kubeconfigDir, "--port", "0", "--log-level", "debug"],
      {
        K8S_MCP_HTTP_TOKEN: TOKEN,
      },
    );
    try {
      await expect(connect(cli.url)).rejects.toMatchObject({ data: { status: 401 } });
      const client = await connect(cli.url, TOKEN);
      const r = (await client.callTool({ name: "clusters_status", arguments: {} })) as CallToolResult;
      expect((r.structuredContent as { ok: number }).ok).toBe(3);
      cli.child.kill("SIGINT");
      expect(await cli.exit).toBe(0);
      expect(cli.stderr()).not.toContain(TOKEN);
      expect(cli.stdout()).toBe("");
      await client.close().catch(() => {});
    } finally {
      if (cli.child.exitCode === null) cli.child.kill("SIGKILL");
    }
  });
});
