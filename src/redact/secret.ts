// The Secret rule: which objects are Secrets, and what of a Secret may be shown (names and sizes, never values).

type Obj = Record<string, unknown>;

/** Why: a narrow, explicit type guard for plain objects, shared by every structural redactor. */
export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Why: the apiserver path resolves kinds case-insensitively (`kind: secret` is a Secret), so the rule does too,
 * and errs wide: any kind naming a secret (Secret, SecretList, SealedSecret...) gets the Secret treatment.
 */
export function isSecretKind(kind: unknown): boolean {
  return typeof kind === "string" && kind.toLowerCase().includes("secret");
}

/** Why: lets a comparison tell equal secret values from different ones without showing either. */
export type Fingerprint = (value: Buffer) => string;

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

function valueBytes(v: unknown, base64: boolean): Buffer {
  if (typeof v === "string") return base64 ? Buffer.from(v, "base64") : Buffer.from(v);
  if (v === null || v === undefined) return Buffer.alloc(0);
  return Buffer.from(JSON.stringify(v));
}

/** Why: `data`/`stringData` values of a Secret become "<redacted: N bytes>"; keys stay. Mutates in place. */
export function redactSecretValues(o: Obj, fingerprint?: Fingerprint): void {
  for (const key of ["data", "stringData"]) {
    const d = o[key];
    if (d === undefined) continue;
    if (!isObj(d)) {
      o[key] = "<redacted>";
      continue;
    }
    for (const k of Object.keys(d)) {
      const bytes = valueBytes(d[k], key === "data");
      d[k] = `<redacted: ${bytes.length} bytes${fingerprint ? `, fingerprint ${fingerprint(bytes)}` : ""}>`;
    }
  }
  const meta = o.metadata;
  if (isObj(meta) && isObj(meta.annotations) && Object.hasOwn(meta.annotations, LAST_APPLIED)) {
    meta.annotations[LAST_APPLIED] = "<redacted: may contain secret values>";
  }
}

/**
 * Why: for records (the audit trail) a Secret keeps only its identity and key names: every other field could
 * carry a value (a misplaced key, an unknown field), so nothing else is kept. Lists keep their items' summaries.
 */
export function secretSummary(o: Obj): Obj {
  const meta = isObj(o.metadata) ? o.metadata : {};
  const keys = (field: unknown): string[] | undefined => (isObj(field) ? Object.keys(field) : undefined);
  const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
  const out: Obj = {
    apiVersion: str(o.apiVersion),
    kind: str(o.kind),
    metadata: { name: str(meta.name), namespace: str(meta.namespace) },
  };
  const dataKeys = keys(o.data);
  const stringKeys = keys(o.stringData);
  if (str(o.type)) out.type = o.type;
  if (Array.isArray(o.items)) out.items = o.items.map((i) => (isObj(i) ? secretSummary(i) : "<redacted>"));
  if (dataKeys) out.data = Object.fromEntries(dataKeys.map((k) => [k, "<redacted>"]));
  if (stringKeys) out.stringData = Object.fromEntries(stringKeys.map((k) => [k, "<redacted>"]));
  return out;
}
