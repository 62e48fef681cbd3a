// Helm release records: the storage drivers' encoding (base64 of gzip of JSON; older records plain JSON) and the
// release fields the readers show. Pure: bytes in, release out.
import { gunzipSync, gzipSync } from "node:zlib";

/** Why: what Helm stores per revision (the fields the readers use; everything else passes through untyped). */
export interface Release {
  name: string;
  namespace: string;
  version: number;
  info?: {
    status?: string;
    first_deployed?: string;
    last_deployed?: string;
    deleted?: string;
    description?: string;
    notes?: string;
  };
  chart?: {
    metadata?: { name?: string; version?: string; appVersion?: string };
    values?: Record<string, unknown> | null;
  };
  /** The user-supplied values (what `helm get values` prints). */
  config?: Record<string, unknown> | null;
  manifest?: string;
  hooks?: { name?: string; kind?: string; path?: string; manifest?: string }[];
}

/** Why: a record's payload is a gzip stream when it starts with these bytes; Helm checks the same magic. */
const GZIP_MAGIC = [0x1f, 0x8b, 0x08];

/**
 * Why: a decoded record larger than this is refused: a Kubernetes object is at most ~1.5 MiB, so a release that
 * inflates past 64 MiB is a gzip bomb, not a chart.
 */
export const MAX_RELEASE_BYTES = 64 * 1024 * 1024;

/** Why: the storage driver a record came from; the Secret driver base64-encodes once more than the ConfigMap one. */
export type Driver = "secret" | "configmap";

/** Why: a record that cannot be decoded is reported with what was wrong, never as a crash or a guess. */
export class RecordError extends Error {}

/**
 * Why: turns the `release` field of a record into a Release. `field` is the object's `data.release` as the API
 * returns it: for a Secret, base64 of Helm's own base64 text; for a ConfigMap, Helm's base64 text itself.
 * The payload is gzip (Helm 3 and later) or plain JSON (legacy records); both are accepted.
 */
export function decodeRecord(field: string, driver: Driver): Release {
  const text = driver === "secret" ? Buffer.from(field, "base64").toString("latin1") : field;
  const payload = Buffer.from(text, "base64");
  if (payload.length === 0) throw new RecordError("the record's release field is empty");
  const gz = GZIP_MAGIC.every((b, i) => payload[i] === b);
  let json: Buffer;
  try {
    json = gz ? gunzipSync(payload, { maxOutputLength: MAX_RELEASE_BYTES }) : payload;
  } catch (err) {
    throw new RecordError(`the record's gzip payload is unreadable (${(err as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString("utf8"));
  } catch {
    throw new RecordError(`the record's payload is not JSON (${gz ? "after gunzip" : "not gzip either"})`);
  }
  if (parsed === null || typeof parsed !== "object" || typeof (parsed as Release).name !== "string")
    throw new RecordError("the record's payload is not a Helm release (no name)");
  return parsed as Release;
}

/** Why: the inverse of decodeRecord, so tests plant records exactly as Helm writes them (and legacy ones). */
export function encodeRecord(release: unknown, driver: Driver, opts: { gzip?: boolean } = {}): string {
  const json = Buffer.from(JSON.stringify(release));
  const helmText = (opts.gzip === false ? json : gzipSync(json)).toString("base64");
  return driver === "secret" ? Buffer.from(helmText, "latin1").toString("base64") : helmText;
}
