// Structural redaction of plain data (configuration, kubeconfig, tool arguments, log fields): decided on keys,
// kinds and argument positions of parsed data, never on the text of a document.
import { isObj, isSecretKind, secretSummary } from "./secret.js";
import { redactText } from "./text.js";
import { REDACTED, redactUrl } from "./url.js";
import { isSecretFlag, SECRET_NAME } from "./words.js";

/** Why: callers say which tables hold user-chosen names (alias names), and which known secrets to remove. */
export interface TreeOptions {
  /** Keys whose child keys are names, not setting names: never redacted by key (`cluster_aliases`). */
  nameTables?: ReadonlySet<string>;
  /** Values known to be secret (configured tokens): removed wherever they appear in a string. */
  secrets?: readonly string[];
  /** Receives every string value the rules replaced, so callers can scrub it from free text later. */
  found?: string[];
}

// Replaces a value by the marker, remembering string values for callers that scrub free text.
function gone(value: unknown, opts: TreeOptions): string {
  if (typeof value === "string") opts.found?.push(value);
  else if (value !== null && typeof value === "object") opts.found?.push(...strings(value));
  return REDACTED;
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value === null || typeof value !== "object") return [];
  return Object.values(value).flatMap(strings);
}

const MAX_DEPTH = 40;
// `secretName`, `secretKeyRef`, `tokenSecretRef`: references to a credential by name, not the credential.
const REFERENCE_KEY = /[a-z](Ref|Name)$/;

function redactString(text: string, opts: TreeOptions): string {
  return redactText(redactUrl(text), opts.secrets);
}

// A credential flag's value, both `--token=x` and `--token x`; every other element recursively.
function redactArray(items: readonly unknown[], opts: TreeOptions, depth: number): unknown[] {
  const out: unknown[] = [];
  let valueFollows = false;
  for (const item of items) {
    if (valueFollows) {
      out.push(gone(item, opts));
      valueFollows = false;
      continue;
    }
    if (typeof item === "string" && isSecretFlag(item)) {
      const eq = item.indexOf("=");
      if (eq >= 0) out.push(`${item.slice(0, eq)}=${gone(item.slice(eq + 1), opts)}`);
      else {
        out.push(item);
        valueFollows = true;
      }
      continue;
    }
    out.push(walk(item, "", opts, depth + 1));
  }
  return out;
}

// Environment lists ({name, value}) carry credentials under any name: values go, names and valueFrom refs stay.
function redactEnv(items: readonly unknown[], opts: TreeOptions, depth: number): unknown[] {
  return items.map((e) => {
    if (!isObj(e)) return walk(e, "env", opts, depth + 1);
    const { value, ...rest } = e;
    const kept = walk(rest, "env", opts, depth + 1) as Record<string, unknown>;
    return value === undefined ? kept : { ...kept, value: gone(value, opts) };
  });
}

function keepsByKey(value: unknown): boolean {
  return value === null || value === undefined || typeof value === "boolean";
}

function walk(value: unknown, key: string, opts: TreeOptions, depth: number): unknown {
  if (depth > MAX_DEPTH) return REDACTED;
  if (typeof value === "string") return redactString(value, opts);
  if (Array.isArray(value)) {
    return key === "env" ? redactEnv(value, opts, depth) : redactArray(value, opts, depth);
  }
  if (!isObj(value)) return value;
  if (isSecretKind(value.kind)) return secretSummary(value);
  const names = opts.nameTables?.has(key) === true;
  const out: Record<string, unknown> = {};
  for (const [k, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const secretKey = !names && SECRET_NAME.test(k) && !REFERENCE_KEY.test(k) && !keepsByKey(item);
    const providerConfig = key === "auth-provider" && k === "config";
    out[k] = secretKey || providerConfig ? gone(item, opts) : walk(item, names ? "" : k, opts, depth + 1);
  }
  return out;
}

/**
 * Why: the one structural redactor. Values under credential-named keys, credential flags' values (both
 * `--flag=v` and `--flag v`), `env` values, auth-provider config, URL userinfo and Secret objects' contents are
 * replaced by "<redacted>"; booleans stay (`allow_secret_values = true`). Returns a deep copy.
 */
export function redactTree(value: unknown, opts: TreeOptions = {}): unknown {
  return walk(value, "", opts, 0);
}
