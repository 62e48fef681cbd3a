// The MCP Bundle from `npm run mcpb`: the official validator accepts its manifest; unpacked with the official
// `mcpb unpack` and started the way a host starts it (the official getMcpConfigForManifest turns manifest +
// user_config into command, args and env), it answers tools/list and a call on a real cluster.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { getMcpConfigForManifest, type McpbManifestAny } from "@anthropic-ai/mcpb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { INITIALIZE_PARAMS, type StdioProcess, spawnStdio } from "../../helpers/stdio-process.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const MCPB_CLI = join(ROOT, "node_modules/@anthropic-ai/mcpb/dist/cli/cli.js");
const cp = inject("controlplane");

async function startAsHost(
  dir: string,
  manifest: McpbManifestAny,
  userConfig: Record<string, string | boolean>,
): Promise<StdioProcess> {
  const launch = await getMcpConfigForManifest({
    manifest,
    extensionPath: dir,
    systemDirs: { HOME: homedir(), DESKTOP: "", DOCUMENTS: "", DOWNLOADS: "" },
    userConfig,
    pathSeparator: "/",
  });
  if (!launch) throw new Error("the host would not start this bundle (required user_config missing?)");
  // A host runs `node` with its own Node; here that is the Node running the tests.
  const command = launch.command === "node" ? process.execPath : launch.command;
  return spawnStdio(command, launch.args ?? [], {
    PATH: process.env.PATH ?? "",
    KUBECONFIG: "",
    ...launch.env,
  });
}

async function toolNames(server: StdioProcess): Promise<string[]> {
  await server.request("initialize", INITIALIZE_PARAMS, 30_000);
  server.notify("notifications/initialized");
  const list = await server.request("tools/list", {}, 30_000);
  return (list.result as { tools: Array<{ name: string }> }).tools.map((t) => t.name);
}

describe("the MCP Bundle (npm run mcpb)", () => {
  let out: string;
  let dir: string;
  let manifest: McpbManifestAny;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), "k8s-mcp-mcpb-"));
    const { stdout } = await run(process.execPath, [join(ROOT, "scripts/mcpb.mjs"), "--out", out], {
      cwd: ROOT,
      timeout: 300_000,
    });
    const { file } = JSON.parse(stdout.trim()) as { file: string };
    const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(file).toBe(join(out, `k8s-mcp-${pkg.version}.mcpb`));
    dir = join(out, "unpacked");
    await run(process.execPath, [MCPB_CLI, "unpack", file, dir], { timeout: 60_000 });
    manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as McpbManifestAny;
  }, 600_000);
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it("passes the official validation and asks for the kubeconfig directory, read-only mode and a config file", async () => {
    const { stdout } = await run(process.execPath, [MCPB_CLI, "validate", join(dir, "manifest.json")]);
    expect(stdout).toMatch(/valid/i);
    expect(Object.keys(manifest.user_config ?? {}).sort()).toEqual([
      "config_file",
      "kubeconfig_dir",
      "read_only",
    ]);
    expect(manifest.user_config?.kubeconfig_dir).toMatchObject({ type: "directory", required: true });
    expect(manifest.user_config?.config_file).toMatchObject({ type: "file", required: false });
  });

  it("started as its manifest says, answers tools/list and a call on a real cluster (read-only by default)", async () => {
    const server = await startAsHost(dir, manifest, { kubeconfig_dir: cp.kubeconfigDir });
    try {
      const tools = await toolNames(server);
      expect(tools).toContain("namespaces_list");
      expect(tools).not.toContain("pods_delete"); // read_only defaults to true
      const call = await server.request(
        "tools/call",
        { name: "namespaces_list", arguments: { cluster: cp.clusters[0]?.name } },
        30_000,
      );
      const result = call.result as { isError?: boolean; content: Array<{ text: string }> };
      expect(result.isError ?? false, server.stderr()).toBe(false);
      expect(result.content[0]?.text).toContain("kube-system");
      for (const line of server.stdoutLines) expect(() => JSON.parse(line)).not.toThrow();
    } finally {
      server.child.stdin?.end();
      await server.exited;
    }
  });

  it("honours read_only = false and an optional config file left unset", async () => {
    const server = await startAsHost(dir, manifest, { kubeconfig_dir: cp.kubeconfigDir, read_only: false });
    try {
      expect(await toolNames(server)).toContain("pods_delete");
    } finally {
      server.child.stdin?.end();
      await server.exited;
    }
  });

  it("passes the optional config file to the server", async () => {
    const { writeFile } = await import("node:fs/promises");
    const toml = join(out, "team.toml");
    await writeFile(toml, `[cluster_aliases]\nhome = "${cp.clusters[0]?.name}"\n`);
    const server = await startAsHost(dir, manifest, { kubeconfig_dir: cp.kubeconfigDir, config_file: toml });
    try {
      await toolNames(server);
      const call = await server.request("tools/call", {
        name: "namespaces_list",
        arguments: { cluster: "home" },
      });
      expect((call.result as { isError?: boolean }).isError ?? false, server.stderr()).toBe(false);
    } finally {
      server.child.stdin?.end();
      await server.exited;
    }
  });
});
