// Argument redaction for logs and the audit trail: secrets never leave the process in a record.

const SECRET_KEY =
  /(token|password|passwd|secret|credential|private[-_]?key|client[-_]?key|stringData|^data$)/i;
const MAX_STRING = 2000;

function redact(value: unknown, key: string, depth: number): unknown {
  if (SECRET_KEY.test(key)) return "<redacted>";
  if (typeof value === "string") {
    if (/\bkind["']?\s*:\s*["']?Secret\b/.test(value)) return "<redacted: contains a Secret>";
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}...(${value.length} chars)` : value;
  }
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, "", depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redact(v, k, depth + 1);
  return out;
}

/** Why: tool arguments may carry manifests with Secret data or credentials; records keep only safe parts. */
export function redactArgs(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) out[k] = redact(v, k, 0);
  return out;
}
