// Commander wiring for configuration flags. Defaults live in the schema, never in commander.
import type { Command } from "commander";
import { ConfigError } from "./errors.js";
import type { FlagOverrides } from "./flag-table.js";
import { ConfigSchema } from "./schema.js";

/** Why: callers wiring commander get the override type from the same module as flagOverrides. */
export type { FlagOverrides } from "./flag-table.js";

/**
 * Why: the CLI's config-related options in one place. Help texts quote the schema's defaults, so
 * commander itself has none and `getOptionValueSource` tells given flags from absent ones.
 */
export function addConfigOptions(cmd: Command): Command {
  // Read off the schema's fields: parsing a whole default config here would cost every start a second parse.
  const { shape } = ConfigSchema;
  const defaults = {
    list_output: shape.list_output.def.defaultValue,
    log_level: shape.log_level.def.defaultValue,
    host: shape.host.def.defaultValue,
  };
  return cmd
    .option("--config <file>", "TOML configuration file")
    .option("--kubeconfig <path>", "classic kubeconfig file(s), separated like KUBECONFIG")
    .option("--kubeconfig-dir <dir>", "directory of kubeconfig files, one cluster per file")
    .option("--default-cluster <name>", "cluster (or alias) active at start")
    .option("--read-only", "expose only read-only tools")
    .option("--disable-destructive", "hide tools that delete or overwrite resources")
    .option(
      "--require-cluster",
      "every cluster-aware call must name its cluster (no implicit active cluster)",
    )
    .option("--list-output <table|yaml>", `format of list results (default: ${defaults.list_output})`)
    .option("--log-level <level>", `error, warn, info or debug (default: ${defaults.log_level})`)
    .option("--log-file <file>", "write logs to this file instead of stderr")
    .option("--port <port>", "serve Streamable HTTP on this port instead of stdio")
    .option("--host <host>", `address the HTTP server binds to (default: ${defaults.host})`)
    .option(
      "--http-token <token>",
      "bearer token HTTP clients must send; prefer the environment variable K8S_MCP_HTTP_TOKEN " +
        "(command lines are visible to other local users)",
    )
    .option("--nsk-rancher-url <url>", "Rancher server URL (overrides RANCHER_URL)")
    .option("--nsk-profile <profile>", "NSK profile (overrides NSK_PROFILE)")
    .option(
      "--nsk-config-dir <dir>",
      "directory NSK/Rancher writes kubeconfig files into (overrides NSK_CONFDIR)",
    )
    .option("--nsk-auto-refresh", "refresh kubeconfigs from Rancher periodically")
    .option("--print-config", "print the effective configuration (secrets redacted) and exit");
}

function given(cmd: Command, attribute: string): boolean {
  return cmd.getOptionValueSource(attribute) === "cli";
}

function text(cmd: Command, attribute: string): string | undefined {
  if (!given(cmd, attribute)) return undefined;
  const value: unknown = cmd.getOptionValue(attribute);
  return typeof value === "string" ? value : undefined;
}

function flag(cmd: Command, attribute: string): boolean | undefined {
  if (!given(cmd, attribute)) return undefined;
  const value: unknown = cmd.getOptionValue(attribute);
  return typeof value === "boolean" ? value : undefined;
}

function port(cmd: Command): number | undefined {
  const value = text(cmd, "port");
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) {
    throw new ConfigError(`--port: expected a port number (an integer from 0 to 65535), got "${value}"`);
  }
  return Number(value.trim());
}

function setIf<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

/** Why: only flags typed on the command line override the file and environment, nothing else. */
export function flagOverrides(cmd: Command): FlagOverrides {
  const out: FlagOverrides = {};
  setIf(out, "kubeconfig", text(cmd, "kubeconfig"));
  setIf(out, "kubeconfig_dir", text(cmd, "kubeconfigDir"));
  setIf(out, "default_cluster", text(cmd, "defaultCluster"));
  setIf(out, "read_only", flag(cmd, "readOnly"));
  setIf(out, "disable_destructive", flag(cmd, "disableDestructive"));
  setIf(out, "require_cluster", flag(cmd, "requireCluster"));
  setIf(out, "list_output", text(cmd, "listOutput"));
  setIf(out, "log_level", text(cmd, "logLevel"));
  setIf(out, "log_file", text(cmd, "logFile"));
  setIf(out, "port", port(cmd));
  setIf(out, "host", text(cmd, "host"));
  setIf(out, "http_token", text(cmd, "httpToken"));
  const nsk: NonNullable<FlagOverrides["nsk"]> = {};
  setIf(nsk, "rancher_url", text(cmd, "nskRancherUrl"));
  setIf(nsk, "profile", text(cmd, "nskProfile"));
  setIf(nsk, "config_dir", text(cmd, "nskConfigDir"));
  setIf(nsk, "auto_refresh", flag(cmd, "nskAutoRefresh"));
  if (Object.keys(nsk).length > 0) out.nsk = nsk;
  return out;
}

/** Why: the two flags that steer the CLI rather than the configuration itself. */
export function controlFlags(cmd: Command): { configPath?: string; printConfig: boolean } {
  const configPath = text(cmd, "config");
  const printConfig = flag(cmd, "printConfig") === true;
  return configPath === undefined ? { printConfig } : { configPath, printConfig };
}
