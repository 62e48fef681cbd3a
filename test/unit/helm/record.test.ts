// Release records as the storage drivers write them: gzip and legacy plain JSON, both drivers, big and broken.
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeRecord, encodeRecord, MAX_RELEASE_BYTES, RecordError } from "../../../src/helm/record.js";

const release = {
  name: "web",
  namespace: "apps",
  version: 3,
  info: { status: "deployed", last_deployed: "2026-01-01T00:00:00Z" },
  chart: { metadata: { name: "web-app", version: "1.2.0", appVersion: "2.0" } },
  config: { replicas: 2 },
  manifest: "---\nkind: ConfigMap\n",
};

describe("decodeRecord", () => {
  it("reads the Secret driver's double base64 of gzip, and the ConfigMap driver's single one", () => {
    expect(decodeRecord(encodeRecord(release, "secret"), "secret")).toEqual(release);
    expect(decodeRecord(encodeRecord(release, "configmap"), "configmap")).toEqual(release);
    // The two encodings differ by exactly one base64 layer.
    const cm = encodeRecord(release, "configmap");
    expect(Buffer.from(encodeRecord(release, "secret"), "base64").toString("latin1")).toBe(cm);
  });

  it("reads legacy records whose payload is plain JSON (no gzip)", () => {
    const legacy = encodeRecord(release, "secret", { gzip: false });
    expect(Buffer.from(Buffer.from(legacy, "base64").toString("latin1"), "base64")[0]).toBe(0x7b); // '{'
    expect(decodeRecord(legacy, "secret")).toEqual(release);
  });

  it("decodes a record near the 1 MiB object limit", () => {
    // Incompressible template data: the stored field is ~1 MiB, as big as an object may get.
    const templates = [{ name: "templates/blob.yaml", data: randomBytes(560 * 1024).toString("base64") }];
    const big = { ...release, chart: { ...release.chart, templates } };
    const field = encodeRecord(big, "secret");
    expect(field.length).toBeGreaterThan(1_000_000);
    expect(decodeRecord(field, "secret").chart).toEqual(big.chart);
  });

  it("refuses what is not a release: empty, not JSON, no name, a gzip bomb", () => {
    expect(() => decodeRecord("", "configmap")).toThrow(RecordError);
    expect(() => decodeRecord(Buffer.from("not json").toString("base64"), "configmap")).toThrow(/not JSON/);
    expect(() => decodeRecord(encodeRecord({ version: 1 }, "configmap"), "configmap")).toThrow(/no name/);
    const bomb = gzipSync(Buffer.alloc(MAX_RELEASE_BYTES + 1024, 0x20)).toString("base64");
    expect(() => decodeRecord(bomb, "configmap")).toThrow(/gzip payload is unreadable/);
  });
});
