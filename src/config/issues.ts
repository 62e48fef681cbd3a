// Turning zod validation issues into one short, actionable sentence each.
import { z } from "zod";
import { ConfigSchema, HOISTED_NSK_KEYS } from "./schema.js";
import { closestMatch } from "./suggest.js";
import { formatPath, isPlainRecord, typeName } from "./values.js";

/** Why: where a value came from: `where` is "in /x.toml", "from --port" or "from environment variable X". */
export interface Location {
  where: string;
  line?: number;
}

/** Why: formatIssues asks the loader where the value at a path came from (undefined: a default). */
export type Locator = (path: readonly PropertyKey[]) => Location | undefined;

type Issue = z.core.$ZodIssue;

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault) {
    const inner = current.unwrap();
    if (!(inner instanceof z.ZodType)) break;
    current = inner;
  }
  return current;
}

/** Why: the valid keys of the table at `path`, the candidates for "did you mean". */
export function keysAt(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = unwrap(ConfigSchema);
  for (const part of path) {
    if (schema instanceof z.ZodObject && typeof part === "string") {
      const next: unknown = schema.shape[part];
      if (!(next instanceof z.ZodType)) return [];
      schema = unwrap(next);
    } else if (schema instanceof z.ZodArray && typeof part === "number") {
      const next: unknown = schema.element;
      if (!(next instanceof z.ZodType)) return [];
      schema = unwrap(next);
    } else {
      return [];
    }
  }
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const part of path) {
    if (Array.isArray(current) && typeof part === "number") current = current[part];
    else if (isPlainRecord(current) && typeof part === "string") current = current[part];
    else return undefined;
  }
  return current;
}

function typeLabel(expected: string): string {
  if (expected === "int") return "integer";
  if (expected === "object" || expected === "record") return "table";
  return expected;
}

function unknownKey(issuePath: readonly PropertyKey[], key: string, locate: Locator): string {
  const path = [...issuePath, key];
  const at = locate(path);
  const where = at === undefined ? "" : ` ${at.where}${at.line === undefined ? "" : ` (line ${at.line})`}`;
  let text = `unknown key "${formatPath(path)}"${where}`;
  const inNsk = issuePath.length === 1 && issuePath[0] === "nsk";
  if (inNsk && keysAt([]).includes(key)) {
    return `${text}; "${key}" is a top-level setting: move it above the [nsk] header`;
  }
  const candidates = inNsk ? [...keysAt(issuePath), ...HOISTED_NSK_KEYS] : keysAt(issuePath);
  const suggestion = closestMatch(key, candidates);
  if (suggestion !== undefined) text += `; did you mean "${formatPath([...issuePath, suggestion])}"?`;
  return text;
}

function describeIssue(issue: Issue, raw: unknown, locate: Locator): string {
  const at = locate(issue.path);
  const suffix = at === undefined ? "" : ` (${at.where}${at.line === undefined ? "" : `, line ${at.line}`})`;
  const name = formatPath(issue.path);
  switch (issue.code) {
    case "invalid_type": {
      const actual = valueAt(raw, issue.path);
      if (actual === undefined) return `${name}: required ${typeLabel(issue.expected)} is missing${suffix}`;
      return `${name}: expected ${typeLabel(issue.expected)}, got ${typeName(actual)}${suffix}`;
    }
    case "invalid_value": {
      const allowed = issue.values.map((value) => JSON.stringify(value)).join(", ");
      return `${name}: expected one of ${allowed}${suffix}`;
    }
    default:
      return `${name}: ${issue.message}${suffix}`;
  }
}

/**
 * Why: users see one line per problem naming the key, the source (file and line, variable or flag)
 * and a fix; values are never echoed, so secrets cannot leak through error messages.
 */
export function formatIssues(issues: readonly Issue[], raw: unknown, locate: Locator): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push(unknownKey(issue.path, key, locate));
    } else {
      out.push(describeIssue(issue, raw, locate));
    }
  }
  return out;
}
