// defaults < TOML file < environment < command-line flags, validated by ConfigSchema.
import { createHash } from "node:crypto";
import { homedir as osHomedir } from "node:os";
import { resolve } from "node:path";
import { ConfigError } from "./errors.js";
import { expandVariables } from "./expand.js";
import type { FlagOverrides } from "./flag-table.js";
import { hoistNskKeys } from "./hoist.js";
import { formatIssues, type Location, type Locator } from "./issues.js";
import {
  envLayer,
  fileLayer,
  flagLayer,
  type Layer,
  mergeLayers,
  type SettingSource,
  settingKeyOf,
  toRawConfig,
} from "./layers.js";
import { expandHome, expandHomeList } from "./paths.js";
import { type Config, ConfigSchema } from "./schema.js";
import { readTomlFile, type TomlFile } from "./toml-file.js";
import { findKeyLine } from "./toml-lines.js";
import { isPlainRecord } from "./values.js";

/** Why: everything loadConfig needs, passed in so tests and the CLI control env and flags exactly. */
export interface LoadInput {
  /** the --config file; none means defaults, environment and flags only */
  configPath?: string;
  env: Record<string, string | undefined>;
  flags: FlagOverrides;
  /** for "~/" expansion; defaults to os.homedir() */
  homedir?: string;
}

/** Why: where an effective value came from, for --print-config and diagnostics. */
export type ConfigSource = "default" | SettingSource;

/** Why: the validated configuration plus provenance per key ("nsk.rancher_url" -> "env"). */
export interface LoadedConfig {
  config: Config;
  sources: Record<string, ConfigSource>;
  /** absolute path of the file that was read */
  configPath?: string;
  /** sha256 (hex) of that file's content as read */
  configSha256?: string;
}

const HOME_PATH_KEYS: readonly string[] = ["kubeconfig_dir", "nsk.config_dir", "log_file", "audit_log"];

function expandHomePaths(merged: Layer, homedir: string): void {
  for (const [key, setting] of merged) {
    if (typeof setting.value !== "string") continue;
    if (key === "kubeconfig") merged.set(key, { ...setting, value: expandHomeList(setting.value, homedir) });
    else if (HOME_PATH_KEYS.includes(key))
      merged.set(key, { ...setting, value: expandHome(setting.value, homedir) });
  }
}

function locator(merged: Layer, file: TomlFile | undefined): Locator {
  return (path: readonly PropertyKey[]): Location | undefined => {
    const key = settingKeyOf(path);
    const setting = merged.get(key);
    if (setting === undefined) {
      // Unknown keys inside arrays/tables of a known setting still come from the file.
      return file === undefined ? undefined : { where: `in ${file.path}` };
    }
    if (setting.source !== "toml") return { where: `from ${setting.label}` };
    const depth = key.startsWith("nsk.") ? 2 : 1;
    const tomlPath = [...(setting.tomlPath ?? []), ...path.slice(depth)].filter(
      (part): part is string | number => typeof part === "string" || typeof part === "number",
    );
    const line = file === undefined ? undefined : findKeyLine(file.text, tomlPath);
    return line === undefined ? { where: `in ${setting.label}` } : { where: `in ${setting.label}`, line };
  };
}

async function readFileLayer(path: string, env: LoadInput["env"]): Promise<{ file: TomlFile; layer: Layer }> {
  const file = await readTomlFile(path);
  const problems: string[] = [];
  const expanded = expandVariables(file.data, env, problems, (keyPath) => {
    const line = findKeyLine(file.text, keyPath);
    return line === undefined ? `in ${path}` : `in ${path}, line ${line}`;
  });
  if (problems.length > 0) throw new ConfigError(problems);
  const { data, hoisted } = hoistNskKeys(isPlainRecord(expanded) ? expanded : {}, file);
  return { file, layer: fileLayer(data, path, hoisted) };
}

function collectSources(config: Config, merged: Layer): Record<string, ConfigSource> {
  const sources: Record<string, ConfigSource> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === "nsk" || value === undefined) continue;
    sources[key] = merged.get(key)?.source ?? "default";
  }
  for (const [key, value] of Object.entries(config.nsk ?? {})) {
    if (value === undefined) continue;
    sources[`nsk.${key}`] = merged.get(`nsk.${key}`)?.source ?? "default";
  }
  return sources;
}

/**
 * Why: the one way to obtain a Config. Throws ConfigError with every problem found (file, variable or
 * flag named; no secret values); never logs, never exits.
 */
export async function loadConfig(input: LoadInput): Promise<LoadedConfig> {
  const homedir = input.homedir ?? osHomedir();
  const layers: Layer[] = [];
  let file: TomlFile | undefined;
  if (input.configPath !== undefined) {
    const read = await readFileLayer(resolve(expandHome(input.configPath, homedir)), input.env);
    file = read.file;
    layers.push(read.layer);
  }
  layers.push(envLayer(input.env), flagLayer(input.flags));
  const merged = mergeLayers(...layers);

  const configDir = merged.get("nsk.config_dir");
  if (!merged.has("kubeconfig_dir") && configDir !== undefined) merged.set("kubeconfig_dir", configDir);
  expandHomePaths(merged, homedir);

  const raw = toRawConfig(merged);
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(formatIssues(result.error.issues, raw, locator(merged, file)));
  const loaded: LoadedConfig = { config: result.data, sources: collectSources(result.data, merged) };
  if (file !== undefined) {
    loaded.configPath = file.path;
    loaded.configSha256 = createHash("sha256").update(file.text).digest("hex");
  }
  return loaded;
}
