// Environment variables that override the TOML file.
import { ConfigError } from "./errors.js";

/** Why: documents and drives the environment layer: variable name -> dotted setting key. */
export const ENV_SETTINGS: readonly { variable: string; key: string }[] = [
  { variable: "RANCHER_URL", key: "nsk.rancher_url" },
  { variable: "RANCHER_TOKEN", key: "nsk.rancher_token" },
  { variable: "RANCHER_INSECURE", key: "nsk.rancher_insecure" },
  { variable: "NSK_PROFILE", key: "nsk.profile" },
  { variable: "NSK_CONFDIR", key: "nsk.config_dir" },
  { variable: "K8S_MCP_HTTP_TOKEN", key: "http_token" },
];

const TRUE_WORDS = new Set(["true", "1", "yes"]);
const FALSE_WORDS = new Set(["false", "0", "no"]);

/** Why: RANCHER_INSECURE is a string in the environment but a boolean setting; junk must not mean "false". */
export function parseBooleanEnv(variable: string, text: string): boolean {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new ConfigError(`environment variable ${variable} must be one of true, false, 1, 0, yes, no`);
}

/** Why: the values the environment sets, keyed by dotted setting name; empty variables count as unset. */
export function environmentValues(
  env: Readonly<Record<string, string | undefined>>,
): Map<string, { value: unknown; variable: string }> {
  const out = new Map<string, { value: unknown; variable: string }>();
  for (const { variable, key } of ENV_SETTINGS) {
    const text = env[variable];
    if (text === undefined || text === "") continue;
    const value = key === "nsk.rancher_insecure" ? parseBooleanEnv(variable, text) : text;
    out.set(key, { value, variable });
  }
  return out;
}
