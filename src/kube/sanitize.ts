// Output hygiene for objects: managedFields stripped, Secret values redacted unless allowed.

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return Boolean(v) && typeof v === "object" && !Array.isArray(v);
}

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** Why: lets a comparison tell equal secret values from different ones without showing either. */
export type Fingerprint = (value: Buffer) => string;

function redactSecret(o: Obj, fingerprint?: Fingerprint): void {
  for (const key of ["data", "stringData"]) {
    const d = o[key];
    if (!isObj(d)) continue;
    for (const k of Object.keys(d)) {
      const v = d[k];
      const bytes =
        typeof v === "string"
          ? key === "data"
            ? Buffer.from(v, "base64")
            : Buffer.from(v)
          : Buffer.alloc(0);
      d[k] = `<redacted: ${bytes.length} bytes${fingerprint ? `, fingerprint ${fingerprint(bytes)}` : ""}>`;
    }
  }
  const meta = o.metadata;
  if (isObj(meta) && isObj(meta.annotations) && LAST_APPLIED in meta.annotations) {
    meta.annotations[LAST_APPLIED] = "<redacted: may contain secret values>";
  }
}

/** Why: every object shown to the agent passes through here (lists, gets, apply results). Mutates and returns. */
export function sanitizeObject<T>(value: T, allowSecretValues: boolean, fingerprint?: Fingerprint): T {
  if (!isObj(value)) return value;
  const meta = value.metadata;
  if (isObj(meta)) delete meta.managedFields;
  if (value.kind === "Secret" && !allowSecretValues) redactSecret(value, fingerprint);
  if (Array.isArray(value.items)) {
    const listKind = typeof value.kind === "string" ? value.kind : "";
    for (const item of value.items) {
      if (isObj(item) && !item.kind && listKind === "SecretList") item.kind = "Secret";
      sanitizeObject(item, allowSecretValues, fingerprint);
    }
  }
  return value;
}
