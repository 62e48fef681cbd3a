// Best-effort mapping from a key path back to the line of the TOML file that wrote it.
import { escapeRegExp } from "../util/text.js";

function splitKey(text: string): string[] {
  return text
    .split(".")
    .map((part) => part.trim().replace(/^"(.*)"$|^'(.*)'$/, "$1$2"))
    .filter((part) => part !== "");
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

/**
 * Why: error messages say "(line 12)" so users find the typo fast. smol-toml does not report
 * positions of valid documents, so this scans the text; array indices in `path` are ignored.
 */
export function findKeyLine(text: string, path: readonly (string | number)[]): number | undefined {
  const wanted = path.filter((part): part is string => typeof part === "string");
  if (wanted.length === 0) return undefined;
  const last = wanted[wanted.length - 1] ?? "";
  const lines = text.split(/\r?\n/);
  let table: string[] = [];
  let loose: number | undefined;
  for (const [index, line] of lines.entries()) {
    const header = /^\s*\[\[?([^\]]+)\]\]?/.exec(line);
    if (header !== null) {
      table = splitKey(header[1] ?? "");
      if (samePath(table, wanted)) return index + 1;
      continue;
    }
    const assignment = /^\s*([A-Za-z0-9_\-."' ]+?)\s*=/.exec(line);
    if (assignment !== null) {
      const key = splitKey(assignment[1] ?? "");
      if (samePath([...table, ...key], wanted)) return index + 1;
      if (loose === undefined && key[key.length - 1] === last) loose = index + 1;
      continue;
    }
    if (loose === undefined && new RegExp(`[{,]\\s*"?${escapeRegExp(last)}"?\\s*=`).test(line)) {
      loose = index + 1;
    }
  }
  return loose;
}
