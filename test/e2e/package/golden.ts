// Golden transcripts: each call's request and normalised response, as a markdown file a reviewer can read.
// Normalising replaces what differs between runs (ports, temp paths, uids, resourceVersions, times, ages,
// durations, IPs, fingerprints) with stable placeholders; UPDATE_GOLDEN=1 rewrites the file instead of comparing.
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/server";

/** Why: one recorded call. */
export interface Exchange {
  tool: string;
  args: Record<string, unknown>;
  result: CallToolResult;
}

const AGE = /^(\d+[smhdy])+$/;
const TEXT_RULES: Array<[RegExp, string]> = [
  [/\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?/g, "<time>"],
  [/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uid>"],
  [/(resourceVersion\\?"?:\s*)(\\?["']?)\d+/g, "$1$2<rv>"],
  [/\b([0-9A-F]{2}:){15,}[0-9A-F]{2}\b/g, "<fingerprint>"],
  [/\b[0-9a-f]{32,}\b/g, "<hex>"],
  [/[A-Za-z0-9+/]{60,}={0,2}/g, "<base64>"],
  [/\b10\.244\.\d+\.\d+\b/g, "<pod-ip>"],
  [/\b10\.96\.\d+\.\d+\b/g, "<cluster-ip>"],
  [/\b\d+(\.\d+)? ?ms\b/g, "<ms>"],
  [/\b\d+(\.\d+)?s (ago|from now)\b/g, "<duration> $2"],
  [/\b(in|after|took) \d+(\.\d+)?s\b/g, "$1 <duration>"],
  [/\b(\d+[smhd])+ ago\b/g, "<age> ago"],
];

function replaceAll(text: string, literals: ReadonlyArray<[string, string]>): string {
  let out = text;
  for (const [from, to] of [...literals].sort((a, b) => b[0].length - a[0].length))
    out = out.split(from).join(to);
  for (const [re, to] of TEXT_RULES) out = out.replace(re, to);
  return out;
}

const HEADER_CELL = /^[A-Z][A-Z0-9()%_/.-]*( [A-Z][A-Z0-9()%_/.-]*)*$/;

function columnStarts(line: string): number[] | undefined {
  const starts: number[] = [];
  const re = /\S+( \S+)*/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (!HEADER_CELL.test(m[0])) return undefined;
    starts.push(m.index);
  }
  return starts.length >= 2 ? starts : undefined;
}

// A row of the table: every column after the first starts after at least three blanks (or the line ends).
function fitsColumns(line: string, starts: number[]): boolean {
  return (
    line.trim() !== "" && starts.every((s) => s === 0 || line.length <= s || line.slice(s - 3, s) === "   ")
  );
}

// Ages change the width of a table column: cut each row at the header's column starts, normalise the cells,
// and lay the table out again, so the golden file stays aligned and identical from run to run.
function realignTables(text: string, literals: ReadonlyArray<[string, string]>): string {
  const lines = text.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const starts = columnStarts(lines[i] ?? "");
    if (!starts) {
      out.push(replaceAll(lines[i] ?? "", literals));
      continue;
    }
    let end = i + 1;
    while (end < lines.length && fitsColumns(lines[end] ?? "", starts)) end++;
    const rows = lines.slice(i, end).map((line, r) =>
      starts.map((s, c) => {
        const cell = line.slice(s, starts[c + 1] ?? line.length).trim();
        return r > 0 && AGE.test(cell) ? "<age>" : replaceAll(cell, literals);
      }),
    );
    const widths = starts.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
    for (const r of rows)
      out.push(
        r
          .map((cell, c) => cell.padEnd(widths[c] ?? 0))
          .join("   ")
          .trimEnd(),
      );
    i = end - 1;
  }
  return out.join("\n");
}

const VOLATILE_NUMBER = /(ms|Ms|millis|Millis|seconds|Seconds|duration|Duration|latency|Latency|At)$/;

function normaliseJson(value: unknown, key: string, literals: ReadonlyArray<[string, string]>): unknown {
  if (typeof value === "string") {
    // Structured list rows carry table cells by column key (age, lastSeen); objects carry resourceVersion.
    if (/^(age|lastSeen|.*Age)$/.test(key) && AGE.test(value)) return "<age>";
    if (key === "resourceVersion" && /^\d+$/.test(value)) return "<rv>";
    return value.includes("\n") ? realignTables(value, literals) : replaceAll(value, literals);
  }
  if (typeof value === "number") return VOLATILE_NUMBER.test(key) ? "<number>" : value;
  if (Array.isArray(value)) return value.map((v) => normaliseJson(v, key, literals));
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [replaceAll(k, literals), normaliseJson(v, k, literals)]),
    );
  return value;
}

function fence(lang: string, body: string): string {
  return `\`\`\`\`${lang}\n${body.replace(/\n+$/, "")}\n\`\`\`\``;
}

/** Why: the readable transcript; `literals` maps run-specific strings (paths, ports) to stable names. */
export function renderTranscript(
  title: string,
  intro: string[],
  tools: string[],
  exchanges: Exchange[],
  literals: ReadonlyArray<[string, string]>,
): string {
  const called = new Set(exchanges.map((e) => e.tool));
  const parts = [
    `# ${title}`,
    "",
    ...intro,
    "",
    `Covers ${called.size} of the ${tools.length} tools listed by tools/list, in ${exchanges.length} calls.`,
    "Regenerate: `npm run build && UPDATE_GOLDEN=1 npx vitest run test/e2e/package` (see docs/testing.md).",
    "",
    `tools/list: ${tools.join(", ")}`,
  ];
  exchanges.forEach((e, i) => {
    const r = e.result;
    const text = r.content.map((c) => (c.type === "text" ? c.text : `[${c.type} content]`)).join("\n");
    parts.push("", `## ${i + 1}. ${e.tool}${r.isError ? " (isError)" : ""}`, "");
    parts.push(fence("json", JSON.stringify(normaliseJson(e.args, "", literals), null, 2)), "");
    parts.push(fence("text", realignTables(text, literals)));
    if (r.structuredContent !== undefined) {
      parts.push("", "structuredContent:", "");
      parts.push(fence("json", JSON.stringify(normaliseJson(r.structuredContent, "", literals), null, 2)));
    }
  });
  return `${parts.join("\n")}\n`;
}

// The first lines that differ, with context: vitest's own diff of two long strings is cut short.
function firstDifference(expected: string, actual: string): string {
  const a = expected.split("\n");
  const b = actual.split("\n");
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 3);
  const show = (lines: string[]) => lines.slice(from, i + 4).join("\n");
  return `line ${i + 1}:\n--- golden\n${show(a)}\n+++ actual\n${show(b)}`;
}

/** Why: compares with the committed golden file, or rewrites it when UPDATE_GOLDEN=1. */
export async function matchGolden(file: string, actual: string): Promise<void> {
  if (process.env.UPDATE_GOLDEN === "1") {
    await writeFile(file, actual);
    return;
  }
  const expected = await readFile(file, "utf8").catch(() => {
    throw new Error(`${file} is missing: run with UPDATE_GOLDEN=1 to create it, then review and commit it`);
  });
  if (expected === actual) return;
  const copy = join(tmpdir(), `k8s-mcp-actual-${basename(file)}`);
  await writeFile(copy, actual);
  throw new Error(
    `${file} differs (actual output in ${copy}; if the change is intended, rerun with UPDATE_GOLDEN=1 and review the diff)\n${firstDifference(expected, actual)}`,
  );
}
