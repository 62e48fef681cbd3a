// What of a release may be shown: values, manifest and notes through the project's one redactor.
import { isDeepStrictEqual } from "node:util";
import { isObj, isSecretKind, redactSecretValues } from "../redact/secret.js";
import { redactText } from "../redact/text.js";
import { redactTree } from "../redact/tree.js";
import { loadYaml, readYamlStream } from "../util/yaml.js";
import type { Release } from "./record.js";
import { coalesceValues } from "./values.js";

/** Why: the parts of a release helm_get shows, each already redacted (unless allow_secret_values). */
export interface ShownRelease {
  userValues: Record<string, unknown>;
  computedValues: Record<string, unknown>;
  manifest: string;
  notes: string;
  /** How many values and manifest documents were redacted, so the output can say so. */
  redactions: number;
}

const SOURCE = /^# Source: .*$/m;

// One manifest document: Secrets keep keys (values become sizes), others pass the structural redactor; a document
// the redactor leaves alone keeps its text as Helm rendered it.
async function redactDocument(chunk: string, found: string[]): Promise<{ text: string; changed: boolean }> {
  const stream = await readYamlStream(chunk);
  if (!stream.ok) return { text: "# <redacted: unparseable document>\n", changed: true };
  const value = stream.values.find((v) => v !== null && v !== undefined);
  if (value === undefined) return { text: chunk, changed: false };
  let shown: unknown;
  if (isObj(value) && isSecretKind(value.kind)) {
    shown = structuredClone(value);
    redactSecretValues(shown as Record<string, unknown>);
    for (const k of ["data", "stringData"]) {
      const d = value[k];
      if (isObj(d)) for (const v of Object.values(d)) if (typeof v === "string") found.push(v);
    }
  } else shown = redactTree(value, { found });
  if (isDeepStrictEqual(shown, value)) return { text: chunk, changed: false };
  const source = SOURCE.exec(chunk)?.[0];
  const yaml = (await loadYaml()).stringify(shown, { version: "1.1" });
  return { text: `${source ? `${source}\n` : ""}${yaml}`, changed: true };
}

async function redactManifestText(manifest: string, found: string[]): Promise<[string, number]> {
  const chunks = manifest.split(/^---[ \t]*$/m);
  let changed = 0;
  const out: string[] = [];
  for (const [i, chunk] of chunks.entries()) {
    if (i === 0 && chunk.trim() === "") {
      out.push(chunk);
      continue;
    }
    const r = await redactDocument(chunk, found);
    if (r.changed) changed++;
    out.push(r.changed ? `\n${r.text}` : r.text);
  }
  return [out.join("---"), changed];
}

/**
 * Why: a release record is a Secret: its values and manifest are shown only through the one redactor, and every
 * value it removed is also scrubbed from the free text (notes, other documents), so a password a chart copies
 * into its notes or a ConfigMap does not escape by another route.
 */
export async function showRelease(r: Release, allowSecretValues: boolean): Promise<ShownRelease> {
  const user = isObj(r.config) ? r.config : {};
  const computed = coalesceValues(r.chart?.values, user);
  const manifest = r.manifest ?? "";
  const notes = r.info?.notes ?? "";
  if (allowSecretValues)
    return { userValues: user, computedValues: computed, manifest, notes, redactions: 0 };
  const found: string[] = [];
  const userValues = redactTree(user, { found }) as Record<string, unknown>;
  const computedValues = redactTree(computed, { found }) as Record<string, unknown>;
  const before = found.length;
  const [redactedManifest, docs] = await redactManifestText(manifest, found);
  const secrets = [...new Set(found)].filter((s) => s.length >= 4);
  const scrub = (text: string): string => redactText(text, secrets);
  return {
    userValues: scrubTree(userValues, scrub),
    computedValues: scrubTree(computedValues, scrub),
    manifest: scrub(redactedManifest),
    notes: scrub(notes),
    redactions: before + docs,
  };
}

// Values found secret in one place are removed from every other string too (a password echoed under another key).
function scrubTree(value: unknown, scrub: (s: string) => string): Record<string, unknown> {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return scrub(v);
    if (Array.isArray(v)) return v.map(walk);
    if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as Record<string, unknown>;
}
