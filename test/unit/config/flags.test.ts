import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/config/errors.js";
import { addConfigOptions, controlFlags, flagOverrides } from "../../../src/config/flags.js";
import { loadConfig } from "../../../src/config/load.js";
import { ConfigSchema } from "../../../src/config/schema.js";

function parse(args: string[]): Command {
  const cmd = addConfigOptions(new Command("k8s-mcp")).exitOverride();
  cmd.parse(args, { from: "user" });
  return cmd;
}

describe("flagOverrides", () => {
  it("returns nothing when no flag is given", () => {
    const cmd = parse([]);
    expect(flagOverrides(cmd)).toEqual({});
    expect(controlFlags(cmd)).toEqual({ printConfig: false });
  });

  it("returns exactly the given flags, mapped to config keys", () => {
    const cmd = parse([
      "--kubeconfig-dir",
      "/clusters",
      "--read-only",
      "--port",
      "8081",
      "--list-output=yaml",
      "--nsk-rancher-url",
      "https://rancher-dev.example.com",
      "--nsk-profile",
      "dev",
      "--nsk-auto-refresh",
      "--config",
      "prod.toml",
      "--print-config",
    ]);
    expect(flagOverrides(cmd)).toStrictEqual({
      kubeconfig_dir: "/clusters",
      read_only: true,
      port: 8081,
      list_output: "yaml",
      nsk: { rancher_url: "https://rancher-dev.example.com", profile: "dev", auto_refresh: true },
    });
    expect(controlFlags(cmd)).toEqual({ configPath: "prod.toml", printConfig: true });
  });

  it("maps every remaining flag", () => {
    const cmd = parse([
      "--kubeconfig=/a:/b",
      "--default-cluster=c1",
      "--disable-destructive",
      "--log-level=debug",
      "--log-file=/tmp/x.log",
      "--host=0.0.0.0",
      "--http-token=abc",
      "--nsk-config-dir=/nsk",
    ]);
    expect(flagOverrides(cmd)).toStrictEqual({
      kubeconfig: "/a:/b",
      default_cluster: "c1",
      disable_destructive: true,
      log_level: "debug",
      log_file: "/tmp/x.log",
      host: "0.0.0.0",
      http_token: "abc",
      nsk: { config_dir: "/nsk" },
    });
  });

  it("rejects a junk port with a ConfigError naming the flag", () => {
    const cmd = parse(["--port", "80a"]);
    expect(() => flagOverrides(cmd)).toThrow(ConfigError);
    expect(() => flagOverrides(cmd)).toThrow(
      '--port: expected a port number (an integer from 0 to 65535), got "80a"',
    );
  });

  it("has no commander defaults, so absent flags never override the file", async () => {
    const cmd = parse([]);
    expect(cmd.opts()).toEqual({});
    const { config } = await loadConfig({ env: {}, flags: flagOverrides(cmd), homedir: "/h" });
    expect(config.list_output).toBe("table");
  });

  it("quotes the schema's defaults in help, as a parse of an empty config gives them", () => {
    const help = addConfigOptions(new Command("k8s-mcp")).helpInformation().replace(/\s+/g, " ");
    const defaults = ConfigSchema.parse({});
    const quoted: [string, string][] = [
      ["--list-output <table|yaml>", defaults.list_output],
      ["--log-level <level>", defaults.log_level],
      ["--host <host>", defaults.host],
    ];
    for (const [flag, value] of quoted)
      expect(help).toMatch(new RegExp(`${flag.replace(/[|<>]/g, "\\$&")} [^-]*\\(default: ${value}\\)`));
  });

  it("mentions the environment variable in --http-token help", () => {
    const help = addConfigOptions(new Command("k8s-mcp")).helpInformation();
    expect(help).toContain("K8S_MCP_HTTP_TOKEN");
    expect(help).toContain("--print-config");
  });
});
