// The host recipes in examples/ parse, start the package's own bin, and their arguments and environment are valid
// for this server (test/e2e/package/examples.test.ts starts each one from the installed package).
import { readdir, readFile } from "node:fs/promises";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { addConfigOptions, type Config, flagOverrides, loadConfig } from "../../src/config/index.js";

interface HostEntry {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

const EXAMPLES = new URL("../../examples/", import.meta.url);

async function entryOf(file: string): Promise<HostEntry> {
  const json = JSON.parse(await readFile(new URL(file, EXAMPLES), "utf8")) as {
    mcpServers?: Record<string, HostEntry>;
    servers?: Record<string, HostEntry>;
  };
  const [server] = Object.values(json.mcpServers ?? json.servers ?? {});
  if (!server) throw new Error(`${file}: no server entry`);
  return server;
}

async function configOf(entry: HostEntry): Promise<Config> {
  const cmd = addConfigOptions(new Command("k8s-mcp")).exitOverride();
  cmd.parse(entry.args.slice(1), { from: "user" });
  return (await loadConfig({ env: entry.env ?? {}, flags: flagOverrides(cmd), homedir: "/home/me" })).config;
}

describe("examples/*.json host recipes", () => {
  it("every recipe runs the bin package.json declares, with node", async () => {
    const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as {
      bin: Record<string, string>;
    };
    const files = (await readdir(EXAMPLES)).filter((f) => f.endsWith(".json"));
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const file of files) {
      const entry = await entryOf(file);
      expect(entry.command, file).toBe("node");
      expect(entry.args[0], file).toBe(`/path/to/k8s-mcp/${pkg.bin["k8s-mcp"]}`);
    }
  });

  it("the common case: a read-only server over a directory of kubeconfigs", async () => {
    for (const file of [
      "claude-desktop.json",
      "claude-code.mcp.json",
      "cursor-mcp.json",
      "vscode-mcp.json",
    ]) {
      const config = await configOf(await entryOf(file));
      expect(config.kubeconfig_dir, file).toBe("/path/to/kubeconfigs");
      expect(config.read_only, file).toBe(true);
      expect(config.nsk, file).toBeUndefined();
    }
  });

  it("claude-desktop-rancher.json: a Rancher-refreshed directory from the environment", async () => {
    const config = await configOf(await entryOf("claude-desktop-rancher.json"));
    expect(config.nsk).toMatchObject({
      rancher_url: "https://rancher.example.com",
      profile: "staging",
      config_dir: "/path/to/kubeconfigs",
      auto_refresh: true,
    });
    expect(config.kubeconfig_dir).toBe("/path/to/kubeconfigs");
    expect(config.read_only).toBe(true);
  });
});
