// The client configuration examples parse, and their arguments and environment are valid for this server.
import { readFile } from "node:fs/promises";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { addConfigOptions, type Config, flagOverrides, loadConfig } from "../../src/config/index.js";

interface McpJson {
  mcpServers: Record<string, { command: string; args: string[]; env?: Record<string, string> }>;
}

async function configOf(file: string): Promise<Config> {
  const json = JSON.parse(
    await readFile(new URL(`../../examples/${file}`, import.meta.url), "utf8"),
  ) as McpJson;
  const [server] = Object.values(json.mcpServers);
  expect(server?.command).toBe("node");
  expect(server?.args[0]).toMatch(/dist\/cli\.js$/);
  const cmd = addConfigOptions(new Command("k8s-mcp")).exitOverride();
  cmd.parse(server?.args.slice(1) ?? [], { from: "user" });
  return (await loadConfig({ env: server?.env ?? {}, flags: flagOverrides(cmd), homedir: "/home/me" }))
    .config;
}

describe("examples/*.json", () => {
  it("claude-desktop.json: a read-only server over a kubeconfig directory", async () => {
    const config = await configOf("claude-desktop.json");
    expect(config.kubeconfig_dir).toBe("/home/me/.nsk");
    expect(config.read_only).toBe(true);
    expect(config.nsk).toBeUndefined();
  });

  it("cursor-mcp.json: a Rancher-refreshed staging directory from the environment", async () => {
    const config = await configOf("cursor-mcp.json");
    expect(config.nsk).toMatchObject({
      rancher_url: "https://rancher.prime.iad0.netskope.com",
      profile: "staging",
      config_dir: "/home/me/.nsk-staging",
      auto_refresh: true,
    });
    expect(config.kubeconfig_dir).toBe("/home/me/.nsk-staging");
  });
});
