// Output hygiene for objects: managedFields stripped, Secret values redacted unless allowed.
import { type Fingerprint, isObj, isSecretKind, redactSecretValues } from "../redact/secret.js";

/** Why: re-exported so fleet tools (compare) name the fingerprint type where they use sanitizeObject. */
export type { Fingerprint };

/** Why: every object shown to the agent passes through here (lists, gets, apply results). Mutates and returns. */
export function sanitizeObject<T>(value: T, allowSecretValues: boolean, fingerprint?: Fingerprint): T {
  if (!isObj(value)) return value;
  const meta = value.metadata;
  if (isObj(meta)) delete meta.managedFields;
  if (isSecretKind(value.kind) && !Array.isArray(value.items) && !allowSecretValues) {
    redactSecretValues(value, fingerprint);
  }
  if (Array.isArray(value.items)) {
    const secretList = isSecretKind(value.kind);
    for (const item of value.items) {
      if (isObj(item) && !item.kind && secretList) item.kind = "Secret";
      sanitizeObject(item, allowSecretValues, fingerprint);
    }
  }
  return value;
}
