// Public API of the configuration module. redact.ts is not re-exported: it pulls smol-toml into every start.
export { checkDestinations } from "./destinations.js";
export { formatDuration, parseDuration } from "./duration.js";
export { ENV_SETTINGS } from "./env.js";
export { ConfigError } from "./errors.js";
export { FLAG_SETTINGS, type FlagOverrides } from "./flag-table.js";
export { addConfigOptions, controlFlags, flagOverrides } from "./flags.js";
export { classicKubeconfigPaths } from "./kubeconfig-paths.js";
export { type ConfigSource, type LoadedConfig, type LoadInput, loadConfig } from "./load.js";
export { expandHome } from "./paths.js";
export {
  type ClusterAuthMode,
  type Config,
  ConfigSchema,
  DeniedResourceSchema,
  type NskConfig,
  NskSchema,
  type OAuthConfig,
} from "./schema.js";
