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

// yaml's own messages quote source text (a token, a Secret value), so only the error code is turned into words.
const YAML_CODE_WORDS: Readonly<Record<string, string>> = {
  BAD_INDENT: "bad indentation",
  TAB_AS_INDENT: "tab used for indentation",
  DUPLICATE_KEY: "duplicate key",
  MULTIPLE_DOCS: "more than one YAML document",
  MISSING_CHAR: "missing character (unclosed quote or bracket?)",
  UNEXPECTED_TOKEN: "unexpected token",
  BLOCK_AS_IMPLICIT_KEY: "nested mapping in a compact mapping",
  MULTILINE_IMPLICIT_KEY: "implicit key spans several lines",
  BAD_SCALAR_START: "value starts with a reserved character",
  BAD_DQ_ESCAPE: "invalid escape sequence",
  BAD_ALIAS: "bad alias",
};

/** Why: a YAML error an agent can fix (what and where) that never quotes the document's content. */
export function yamlCodeWords(code: string): string {
  return Object.hasOwn(YAML_CODE_WORDS, code)
    ? (YAML_CODE_WORDS[code] ?? code)
    : code.toLowerCase().replaceAll("_", " ");
}

/** Why: what reading a YAML/JSON stream gives: every document's value, or the first error (content-free). */
export type YamlStream = { ok: true; values: unknown[] } | { ok: false; document: number; message: string };

/**
 * Why: the apply path and the audit redactor must read a manifest identically: YAML 1.1 like kubectl (`0400` is
 * octal), aliases resolved (bounded), all documents of a stream. Error messages name code and line, never text.
 */
export async function readYamlStream(text: string): Promise<YamlStream> {
  const docs = (await loadYaml()).parseAllDocuments(text, { version: "1.1" });
  if (!Array.isArray(docs)) return { ok: false, document: 1, message: "not a YAML stream" };
  const values: unknown[] = [];
  for (const [i, doc] of docs.entries()) {
    const first = doc.errors[0];
    if (first !== undefined) {
      const at = first.linePos?.[0];
      const where = at ? ` at line ${at.line}, column ${at.col}` : "";
      return { ok: false, document: i + 1, message: `${yamlCodeWords(first.code)}${where}` };
    }
    try {
      values.push(doc.toJS({ maxAliasCount: 100 }));
    } catch {
      return { ok: false, document: i + 1, message: "unresolved or excessive aliases" };
    }
  }
  return { ok: true, values };
}
