// Moving top-level keys that a file wrote after its [nsk] header back to the top level.
import { ConfigError } from "./errors.js";
import { HOISTED_NSK_KEYS } from "./schema.js";
import { findKeyLine } from "./toml-lines.js";
import { isPlainRecord } from "./values.js";

/** Why: the parsed file after hoisting, plus which top-level keys came from inside [nsk] (for messages). */
export interface HoistResult {
  data: Record<string, unknown>;
  hoisted: ReadonlySet<string>;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Why: the proposal's example files put kubeconfig_dir, default_cluster and auto_discovery after [nsk],
 * so TOML nests them; they obviously mean the top-level settings. A key set in both places with
 * different values is ambiguous and reported with both lines.
 */
export function hoistNskKeys(
  data: Record<string, unknown>,
  file: { path: string; text: string },
): HoistResult {
  const nsk = data.nsk;
  if (!isPlainRecord(nsk)) return { data, hoisted: new Set() };
  const top: Record<string, unknown> = { ...data };
  const table: Record<string, unknown> = { ...nsk };
  const hoisted = new Set<string>();
  const problems: string[] = [];
  for (const key of HOISTED_NSK_KEYS) {
    if (!(key in table)) continue;
    const inner = table[key];
    delete table[key];
    if (!(key in top)) {
      top[key] = inner;
      hoisted.add(key);
    } else if (!sameValue(top[key], inner)) {
      const topLine = findKeyLine(file.text, [key]);
      const nskLine = findKeyLine(file.text, ["nsk", key]);
      problems.push(
        `${key} is set twice with different values in ${file.path}: at the top level` +
          `${topLine === undefined ? "" : ` (line ${topLine})`} and inside [nsk] as nsk.${key}` +
          `${nskLine === undefined ? "" : ` (line ${nskLine})`}; keys written after the [nsk] header belong ` +
          "to that table, so keep only one of them",
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  top.nsk = table;
  return { data: top, hoisted };
}
