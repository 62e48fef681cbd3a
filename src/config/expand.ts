// ${VAR} substitution in TOML string values.
import { formatPath, isPlainRecord } from "./values.js";

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Why: config files keep secrets out of the file with "${PROD_RANCHER_TOKEN}". Recurses through tables
 * and arrays; every missing or empty variable is pushed to `problems`, naming the variable and the key
 * path but never any value.
 */
export function expandVariables(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
  locate: (path: readonly (string | number)[]) => string,
  path: readonly (string | number)[] = [],
): unknown {
  if (typeof value === "string") {
    return value.replace(REFERENCE, (whole, name: string) => {
      const replacement = env[name];
      if (replacement === undefined || replacement === "") {
        const state = replacement === undefined ? "not set" : "set but empty";
        problems.push(`${formatPath(path)} references \${${name}}, which is ${state} (${locate(path)})`);
        return whole;
      }
      return replacement;
    });
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => expandVariables(item, env, problems, locate, [...path, index]));
  }
  if (isPlainRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = expandVariables(item, env, problems, locate, [...path, key]);
    }
    return out;
  }
  return value;
}
