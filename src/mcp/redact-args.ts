// Argument redaction for logs and the audit trail: secrets never leave the process in a record.
import { redactManifest } from "../redact/manifest.js";
import { redactTree } from "../redact/tree.js";
import type { ManifestLimits } from "../util/read-limited.js";

// Arguments that carry manifests (also inside clusters_exec_all `parameters`): parsed, then redacted.
const MANIFEST_ARGS: ReadonlySet<string> = new Set(["resource"]);
const MAX_STRING = 2000;

function shorten(value: unknown): unknown {
  if (typeof value === "string")
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}...(${value.length} chars)` : value;
  if (Array.isArray(value)) return value.map(shorten);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shorten(v)]));
}

async function parseManifestArgs(value: unknown, depth: number, limits?: ManifestLimits): Promise<unknown> {
  if (depth > 4 || value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      MANIFEST_ARGS.has(k) && typeof v === "string"
        ? { manifest: await redactManifest(v, limits) }
        : await parseManifestArgs(v, depth + 1, limits);
  }
  return out;
}

/**
 * Why: tool arguments may carry manifests with Secret data or credentials; records keep only safe parts.
 * Manifests are parsed like the apply path and redacted by kind; everything else by the one structural redactor.
 */
export async function redactArgs(
  args: Record<string, unknown>,
  limits?: ManifestLimits,
): Promise<Record<string, unknown>> {
  const parsed = await parseManifestArgs(args, 0, limits);
  const redacted = shorten(redactTree(parsed));
  return redacted !== null && typeof redacted === "object" && !Array.isArray(redacted)
    ? (redacted as Record<string, unknown>)
    : {};
}
