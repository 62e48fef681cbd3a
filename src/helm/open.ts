// A fetched record, opened: the head (what list and history show) always; values, manifest and notes only redacted.
import { type Driver, decodeRecord, RecordError, type Release } from "./record.js";
import { type ShownRelease, showRelease } from "./redact.js";

/** Why: the fields of a release that carry no user data (chart identity, status, times, description). */
export type ReleaseHead = Pick<Release, "name" | "namespace" | "version"> & {
  info: Omit<NonNullable<Release["info"]>, "notes">;
  chart: { metadata: NonNullable<NonNullable<Release["chart"]>["metadata"]> };
};

/** Why: what the scoped client hands back for one record: never the raw values or manifest. */
export interface OpenedRecord {
  head: ReleaseHead;
  /** Decoded bytes of the record's payload (JSON), for the output's cost notes. */
  bytes: number;
  shown?: ShownRelease;
}

function head(r: Release): ReleaseHead {
  const { notes: _notes, ...info } = r.info ?? {};
  const m = r.chart?.metadata ?? {};
  return {
    name: r.name,
    namespace: r.namespace,
    version: r.version,
    info,
    chart: { metadata: { name: m.name, version: m.version, appVersion: m.appVersion } },
  };
}

/**
 * Why: the scoped client calls this on the raw object it read (a Secret or ConfigMap): the payload is decoded
 * inside the boundary and leaves it only as the head, plus (when asked) the redacted values, manifest and notes.
 */
export async function openRecord(
  obj: { data?: Record<string, unknown> },
  driver: Driver,
  opts: { full: boolean; allowSecretValues: boolean },
): Promise<OpenedRecord> {
  const field = obj.data?.release;
  if (typeof field !== "string") throw new RecordError("the record has no data.release field");
  const release = decodeRecord(field, driver);
  const bytes = Buffer.byteLength(JSON.stringify(release));
  return {
    head: head(release),
    bytes,
    ...(opts.full ? { shown: await showRelease(release, opts.allowSecretValues) } : {}),
  };
}
