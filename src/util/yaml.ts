// Lazy access to the `yaml` package: it is large, and startup never needs it.
import type * as Yaml from "yaml";

let mod: Promise<typeof Yaml> | undefined;

/**
 * Why: keeps ~250 KB of parser off the startup path; loaded on first YAML use. `yaml` resolves to its
 * CommonJS build under Node, and a bundled dynamic import of CommonJS exposes only `default`: take the
 * module object from there when the named exports are missing (source runs and bundles behave the same).
 */
export function loadYaml(): Promise<typeof Yaml> {
  mod ??= import("yaml").then((m) => {
    const cjs = (m as unknown as { default?: typeof Yaml }).default;
    return typeof m.parseAllDocuments === "function" || !cjs ? m : cjs;
  });
  return mod;
}
