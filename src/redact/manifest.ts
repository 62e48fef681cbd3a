// Manifests in tool arguments, redacted after parsing them exactly as the apply path does.
import { checkManifestLimits, type ManifestLimits } from "../util/read-limited.js";
import { readYamlStream } from "../util/yaml.js";
import { isObj, isSecretKind, secretSummary } from "./secret.js";
import { redactTree } from "./tree.js";

// A record keeps at most this much of a manifest; beyond it only each object's identity is kept.
const MAX_RECORD_CHARS = 4000;

function identity(o: unknown): unknown {
  if (!isObj(o)) return "<redacted: not an object>";
  const meta = isObj(o.metadata) ? o.metadata : {};
  const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
  return {
    apiVersion: str(o.apiVersion),
    kind: str(o.kind),
    metadata: { name: str(meta.name), namespace: str(meta.namespace) },
  };
}

// One parsed document: Secrets (by parsed kind, also as list items) keep names only; a document without a string
// kind (missing, binary, a mapping...) cannot be classified, so only its identity is kept; the rest passes the
// structural redactor.
function redactDocument(doc: unknown, inSecretList: boolean, depth: number): unknown {
  if (Array.isArray(doc) && depth < 8) return doc.map((d) => redactDocument(d, inSecretList, depth + 1));
  if (!isObj(doc) || depth >= 8) return "<redacted: not an object>";
  const secret = inSecretList || isSecretKind(doc.kind);
  if (Array.isArray(doc.items)) {
    const { items, ...rest } = doc;
    const head = secret || typeof doc.kind !== "string" ? identity(rest) : redactTree(rest);
    return { ...(isObj(head) ? head : {}), items: items.map((i) => redactDocument(i, secret, depth + 1)) };
  }
  if (secret) return secretSummary(doc);
  if (typeof doc.kind !== "string") return identity(doc);
  return redactTree(doc);
}

/**
 * Why: a manifest argument (`resource`) is recorded as its parsed, redacted documents: the kind the apply path
 * would see decides (YAML 1.1, aliases, tags, escapes, any case), never the text. Unparseable or over the
 * manifest limits: redacted whole.
 */
export async function redactManifest(text: string, limits?: ManifestLimits): Promise<unknown> {
  try {
    if (limits) checkManifestLimits(text, limits); // what the apply path refuses unparsed is not parsed here either
  } catch {
    return `<redacted: manifest over max_manifest_bytes/max_manifest_documents, ${text.length} chars>`;
  }
  const stream = await readYamlStream(text);
  if (!stream.ok) return `<redacted: unparseable manifest, ${text.length} chars>`;
  const docs = stream.values.filter((v) => v !== null && v !== undefined);
  const redacted = docs.map((d) => redactDocument(d, false, 0));
  if (JSON.stringify(redacted).length <= MAX_RECORD_CHARS) return redacted;
  return docs.flatMap((d) => (isObj(d) && Array.isArray(d.items) ? d.items : [d])).map(identity);
}
