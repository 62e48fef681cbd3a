// Settings from each source as flat maps (top-level key or "nsk.<key>"), merged by precedence.
import { environmentValues } from "./env.js";
import { FLAG_SETTINGS, type FlagOverrides } from "./flag-table.js";
import { isPlainRecord } from "./values.js";

/** Why: where a value came from; reported in LoadedConfig.sources and used to word errors. */
export type SettingSource = "toml" | "env" | "flag";

/** Why: one value with its provenance, so errors can point at the file line, variable or flag. */
export interface Setting {
  value: unknown;
  source: SettingSource;
  /** the file path, "environment variable X" or "--flag" */
  label: string;
  /** key path inside the TOML file (differs from the setting key for hoisted keys) */
  tomlPath?: readonly string[];
}

/** Why: a source's contribution, keyed by dotted setting name. */
export type Layer = Map<string, Setting>;

/** Why: flattens the (hoisted) TOML data; `hoisted` keys are remembered as written inside [nsk]. */
export function fileLayer(data: Record<string, unknown>, path: string, hoisted: ReadonlySet<string>): Layer {
  const layer: Layer = new Map();
  for (const [key, value] of Object.entries(data)) {
    if (key === "nsk" && isPlainRecord(value)) {
      for (const [inner, innerValue] of Object.entries(value)) {
        layer.set(`nsk.${inner}`, {
          value: innerValue,
          source: "toml",
          label: path,
          tomlPath: ["nsk", inner],
        });
      }
      continue;
    }
    const tomlPath = hoisted.has(key) ? ["nsk", key] : [key];
    layer.set(key, { value, source: "toml", label: path, tomlPath });
  }
  return layer;
}

/** Why: the environment's contribution (RANCHER_URL, RANCHER_TOKEN, ...). */
export function envLayer(env: Readonly<Record<string, string | undefined>>): Layer {
  const layer: Layer = new Map();
  for (const [key, { value, variable }] of environmentValues(env)) {
    layer.set(key, { value, source: "env", label: `environment variable ${variable}` });
  }
  return layer;
}

/** Why: the command line's contribution; only flags present in `flags` count. */
export function flagLayer(flags: FlagOverrides): Layer {
  const layer: Layer = new Map();
  const top: Record<string, unknown> = flags;
  const nsk: Record<string, unknown> = flags.nsk ?? {};
  for (const { flag, key } of FLAG_SETTINGS) {
    const value = key.startsWith("nsk.") ? nsk[key.slice(4)] : top[key];
    if (value !== undefined) layer.set(key, { value, source: "flag", label: flag });
  }
  return layer;
}

/** Why: precedence in one line: later layers override earlier ones key by key. */
export function mergeLayers(...layers: readonly Layer[]): Layer {
  const merged: Layer = new Map();
  for (const layer of layers) {
    for (const [key, setting] of layer) merged.set(key, setting);
  }
  return merged;
}

/** Why: rebuilds the nested object the schema validates; `nsk` exists only when some nsk key is set. */
export function toRawConfig(layer: Layer): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  const nsk: Record<string, unknown> = {};
  let hasNsk = false;
  for (const [key, setting] of layer) {
    if (key.startsWith("nsk.")) {
      nsk[key.slice(4)] = setting.value;
      hasNsk = true;
    } else {
      raw[key] = setting.value;
    }
  }
  if (hasNsk && !("nsk" in raw)) raw.nsk = nsk;
  return raw;
}

/** Why: maps a validation issue path back to the setting key whose value caused it. */
export function settingKeyOf(path: readonly PropertyKey[]): string {
  const [first, second] = path;
  if (first === "nsk" && typeof second === "string") return `nsk.${second}`;
  return typeof first === "string" ? first : "";
}
