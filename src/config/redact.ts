// Secret-free views of the configuration for --print-config and configuration tools.
import { stringify } from "smol-toml";
import type { Config } from "./schema.js";
import { isPlainRecord } from "./values.js";

const REDACTED = "<redacted>";
const SECRET_KEY = /token|password|secret|key$/i;
const SECRET_FLAG = /^--?[\w-]*(token|password|secret)[\w-]*(=.*)?$/i;

function redactUrl(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(text)) return text;
  try {
    const url = new URL(text);
    if (url.password === "") return text;
    url.password = REDACTED;
    return url.toString();
  } catch {
    return text;
  }
}

function redactArray(items: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const [index, item] of items.entries()) {
    const previous = index > 0 ? items[index - 1] : undefined;
    if (typeof item === "string" && SECRET_FLAG.test(item) && item.includes("=")) {
      out.push(`${item.slice(0, item.indexOf("="))}=${REDACTED}`);
    } else if (typeof item === "string" && typeof previous === "string" && SECRET_FLAG.test(previous)) {
      out.push(previous.includes("=") ? redactValue(item) : REDACTED);
    } else {
      out.push(redactValue(item));
    }
  }
  return out;
}

// Tables whose keys are user-chosen names (alias names), not setting names: never redact by key there.
const NAME_TABLES: ReadonlySet<string> = new Set(["cluster_aliases"]);

function redactValue(value: unknown, namesOnly = false): unknown {
  if (typeof value === "string") return redactUrl(value);
  if (Array.isArray(value)) return redactArray(value);
  if (isPlainRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      const byKey = !namesOnly && typeof item === "string" && SECRET_KEY.test(key);
      out[key] = byKey ? REDACTED : redactValue(item, NAME_TABLES.has(key));
    }
    return out;
  }
  return value;
}

/**
 * Why: the configuration may be shown (--print-config, configuration tools, logs) but tokens must
 * never be. Deep copy; string values of token/password/secret/...key settings, credentials in URLs
 * and arguments following a --token-like flag are replaced by "<redacted>". Unset keys are dropped.
 */
export function redactConfig(config: Config): unknown {
  return redactValue(config);
}

/** Why: --print-config shows the effective configuration in the same format users write it. */
export function renderConfigToml(config: Config): string {
  const redacted = redactConfig(config);
  const body = isPlainRecord(redacted) ? stringify(redacted) : "";
  return `# Effective k8s-mcp configuration (secrets redacted)\n${body}${body.endsWith("\n") ? "" : "\n"}`;
}
