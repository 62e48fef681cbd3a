// Secret-free views of the configuration for --print-config and configuration tools.
import { stringify } from "smol-toml";
import { redactTree } from "../redact/tree.js";
import type { Config } from "./schema.js";
import { isPlainRecord } from "./values.js";

// Tables whose keys are user-chosen names (alias names), not setting names: never redacted by key.
const NAME_TABLES: ReadonlySet<string> = new Set(["cluster_aliases"]);

/**
 * Why: the configuration may be shown (--print-config, configuration tools, logs) but tokens must never be.
 * Deep copy through the one structural redactor (credential-named settings, URL userinfo, credential flags in
 * argument lists); configured tokens are also removed wherever else they appear. Unset keys are dropped.
 */
export function redactConfig(config: Config): unknown {
  const secrets = [config.http_token, config.nsk?.rancher_token].filter((s): s is string => Boolean(s));
  return redactTree(config, { nameTables: NAME_TABLES, secrets });
}

/** Why: --print-config shows the effective configuration in the same format users write it. */
export function renderConfigToml(config: Config): string {
  const redacted = redactConfig(config);
  const body = isPlainRecord(redacted) ? stringify(redacted) : "";
  return `# Effective k8s-mcp configuration (secrets redacted)\n${body}${body.endsWith("\n") ? "" : "\n"}`;
}
