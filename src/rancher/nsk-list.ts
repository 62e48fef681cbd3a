// Parses `nsk cluster list` output, whose format is not public: JSON if it is JSON, else a table or plain lines.
import type { RemoteCluster } from "./types.js";

function fromJson(value: unknown): RemoteCluster[] | undefined {
  const items = Array.isArray(value)
    ? value
    : Array.isArray((value as { data?: unknown } | null)?.data)
      ? (value as { data: unknown[] }).data
      : Array.isArray((value as { clusters?: unknown } | null)?.clusters)
        ? (value as { clusters: unknown[] }).clusters
        : undefined;
  if (!items) return undefined;
  const out: RemoteCluster[] = [];
  for (const item of items) {
    if (typeof item === "string") out.push({ name: item });
    else if (item && typeof item === "object" && typeof (item as { name?: unknown }).name === "string") {
      const { name, id, state } = item as { name: string; id?: unknown; state?: unknown };
      out.push({
        name,
        id: typeof id === "string" ? id : undefined,
        state: typeof state === "string" ? state : undefined,
      });
    }
  }
  return out;
}

const SEPARATOR = /^[-=+|\s]+$/;

/**
 * Why: the nsk driver learns which clusters exist (for freshness and vanished reporting) from this. Text
 * output: one cluster per line, name in the first column; a header line starting with NAME and separator
 * lines are skipped.
 */
export function parseClusterList(stdout: string): RemoteCluster[] {
  const text = stdout.trim();
  if (text.startsWith("[") || text.startsWith("{")) {
    try {
      const parsed = fromJson(JSON.parse(text));
      if (parsed) return parsed;
    } catch {
      // not JSON after all: read it as text
    }
  }
  const out: RemoteCluster[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().replace(/^\|/, "").trim();
    if (!line || line.startsWith("#") || SEPARATOR.test(line)) continue;
    const [first, second] = line.split(/[\s|,]+/);
    if (!first || /^name$/i.test(first)) continue;
    if (seen.has(first)) continue;
    seen.add(first);
    out.push({ name: first, state: second });
  }
  return out;
}
