// End to end: the built binary over stdio. Only JSON-RPC on stdout; initialize answered while clusters hang.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type FleetDir, makeFleetDir } from "../helpers/fleet.js";
import { resultText } from "../helpers/mcp.js";
import { CLI_PATH, INITIALIZE_PARAMS, spawnServer } from "../helpers/stdio-process.js";

const cp = inject("controlplane");

describe("k8s-mcp over stdio (built binary)", () => {
  let fleet: FleetDir;
  let configFile: string;
  beforeAll(async () => {
    fleet = await makeFleetDir(cp);
    configFile = join(fleet.dir, "..", `k8s-mcp-e2e-${process.pid}.toml`);
    await writeFile(
      configFile,
      [
        `kubeconfig_dir = "${fleet.dir}"`,
        'default_cluster = "hung"',
        'request_timeout = "1500ms"',
        "",
        "[cluster_aliases]",
        'hung = "hanging"',
        "",
      ].join("\n"),
    );
  });
  afterAll(async () => fleet?.close());

  it("answers initialize without touching clusters, keeps stdout pure JSON-RPC, and exits on stdin close", async () => {
    const started = Date.now();
    const p = spawnServer(["--config", configFile, "--log-level", "debug"]);
    const init = await p.request("initialize", INITIALIZE_PARAMS);
    const initMs = init.at - started;
    expect(init.error).toBeUndefined();
    expect(fleet.hanging.connections()).toBe(0);
    expect(initMs).toBeLessThan(5000); // includes a cold Node start on a loaded machine
    p.notify("notifications/initialized");

    const tools = (await p.request("tools/list")).result as { tools: { name: string }[] };
    expect(tools.tools.map((t) => t.name)).toContain("clusters_status");

    // A call to the hung default cluster is bounded by request_timeout, and a ping meanwhile is answered at once.
    const callStarted = Date.now();
    const hung = p.request("tools/call", { name: "namespaces_list", arguments: {} });
    const ping = await p.request("ping");
    expect(ping.at - callStarted).toBeLessThan(1000); // the hung call (1.5 s timeout) must not block it
    const res = (await hung).result as { isError?: boolean; content: { text: string }[] };
    expect(res.isError).toBe(true);
    expect(res.content[0]?.text).toMatch(
      /on cluster 'hanging'.*could not connect to .* within 1500 ms; nothing was sent/,
    );
    expect(fleet.hanging.connections()).toBeGreaterThan(0);

    const bad = await p.request("tools/call", { name: "no_such_tool", arguments: {} });
    expect(JSON.stringify(bad)).toMatch(/no_such_tool/);
    const wrongType = (await p.request("tools/call", { name: "clusters_switch", arguments: { cluster: 42 } }))
      .result as {
      isError?: boolean;
      content: { text: string }[];
    };
    expect(wrongType.isError).toBe(true);
    expect(wrongType.content[0]?.text).toMatch(/cluster.*expected string/is);
    p.child.stdin?.write("this is not json\n");
    expect((await p.request("ping")).error).toBeUndefined();

    p.child.stdin?.end();
    const exit = await p.exited;
    expect(exit.code).toBe(0);
    expect(p.stdoutLines.length).toBeGreaterThan(4);
    for (const line of p.stdoutLines) {
      const msg = JSON.parse(line) as { jsonrpc?: string };
      expect(msg.jsonrpc).toBe("2.0");
    }
    expect(p.stderr()).toContain("serving MCP on stdio");
    expect(p.stderr()).not.toContain(cp.clusters[0]!.adminToken);
  });

  it("exits 0 on SIGTERM", async () => {
    const p = spawnServer(["--kubeconfig-dir", fleet.dir]);
    await p.request("initialize", INITIALIZE_PARAMS);
    p.child.kill("SIGTERM");
    expect((await p.exited).code).toBe(0);
  });

  it("reports a configuration error on stderr with exit code 2 and nothing on stdout", async () => {
    const bad = join(fleet.dir, "..", `k8s-mcp-bad-${process.pid}.toml`);
    await writeFile(bad, 'kubeconfig_dri = "/x"\n');
    const p = spawnServer(["--config", bad]);
    const exit = await p.exited;
    expect(exit.code).toBe(2);
    expect(p.stdoutLines).toEqual([]);
    expect(p.stderr()).toMatch(/unknown key "kubeconfig_dri".*line 1.*did you mean "kubeconfig_dir"/s);
    expect(p.stderr()).not.toMatch(/\n\s+at /);
  });

  it("prints --help and --version on stdout and exits 0 (`k8s-mcp --help | less` works)", async () => {
    for (const flag of ["--help", "--version"]) {
      const p = spawnServer([flag]);
      expect((await p.exited).code, flag).toBe(0);
      expect(p.stderr(), flag).toBe("");
      expect(p.stdoutLines.join("\n"), flag).toMatch(flag === "--help" ? /Usage: k8s-mcp/ : /^\d+\.\d+\.\d+/);
    }
  });

  it("prints the effective configuration with secrets redacted (--print-config), nothing on stdout", async () => {
    const token = "token-abcde:verysecretpart";
    const p = spawnServer(["--print-config", "--kubeconfig-dir", fleet.dir, "--read-only"], {
      RANCHER_URL: "https://rancher.example.com",
      RANCHER_TOKEN: token,
      NSK_PROFILE: "prod",
    });
    expect((await p.exited).code).toBe(0);
    expect(p.stdoutLines).toEqual([]);
    const out = p.stderr();
    expect(out).toMatch(/read_only = true/);
    expect(out).toContain(`kubeconfig_dir = "${fleet.dir}"`);
    expect(out).toMatch(/rancher_token = "<redacted>"/);
    expect(out).toContain('profile = "prod"');
    expect(out).not.toContain("verysecretpart");
  });

  it("serves a real MCP client (SDK stdio transport) against real clusters", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI_PATH, "--kubeconfig-dir", cp.kubeconfigDir, "--default-cluster", "c1-lax1"],
      stderr: "pipe",
    });
    const client = new Client({ name: "e2e", version: "1.0.0" });
    await client.connect(transport);
    try {
      const res = await client.callTool({ name: "clusters_status", arguments: {} });
      expect(resultText(res as never)).toMatch(/^3\/3 clusters ok/);
      const ns = await client.callTool({ name: "namespaces_list", arguments: {} });
      expect(resultText(ns as never)).toContain("kube-system");
    } finally {
      await client.close();
    }
  });
});
