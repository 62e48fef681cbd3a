// Lazy access to the `yaml` package: it is large, and startup never needs it.
import type * as Yaml from "yaml";

let mod: Promise<typeof Yaml> | undefined;

/** Why: keeps ~250 KB of parser off the startup path; loaded on first YAML use. */
export function loadYaml(): Promise<typeof Yaml> {
  mod ??= import("yaml");
  return mod;
}
