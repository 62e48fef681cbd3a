// Decode cost of a large Helm release record (~1 MiB stored, the object size limit): the payload as the Secret
// driver stores it, decoded (base64, base64, gunzip, JSON) and opened for helm_get (values, manifest, notes
// redacted). Run: npx tsx bench/helm-decode.ts
import { randomBytes } from "node:crypto";
import { openRecord } from "../src/helm/open.js";
import { decodeRecord, encodeRecord } from "../src/helm/record.js";

// A realistic large release: a 600-object manifest (~330 KB of text) plus incompressible chart files.
const manifest = Array.from(
  { length: 600 },
  (_, i) =>
    `---\n# Source: big/templates/cm-${i}.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  key: value-${i}\n  config.yaml: |\n    server:\n      port: ${8000 + i}\n      password: secret-${i}\n`,
).join("\n");
const release = {
  name: "big",
  namespace: "apps",
  version: 7,
  info: { status: "deployed", last_deployed: "2026-01-01T00:00:00Z", notes: "notes" },
  chart: {
    metadata: { name: "big", version: "1.0.0", appVersion: "1" },
    values: { replicas: 1, db: { password: "" } },
    files: [{ name: "files/blob.bin", data: randomBytes(600 * 1024).toString("base64") }],
  },
  config: { db: { password: "pw" }, replicas: 3 },
  manifest,
};
const field = encodeRecord(release, "secret");
const time = (label: string, n: number, fn: () => unknown): void => {
  for (let i = 0; i < 3; i++) fn(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  const ms = (performance.now() - t0) / n;
  process.stdout.write(`${label}: ${ms.toFixed(2)} ms per record\n`);
};
process.stdout.write(
  `stored data.release: ${(field.length / 1048576).toFixed(2)} MiB; decoded JSON ${(Buffer.byteLength(JSON.stringify(release)) / 1048576).toFixed(2)} MiB\n`,
);
time("decode (helm_list/helm_history: head only)", 50, () => decodeRecord(field, "secret"));
const t0 = performance.now();
const n = 10;
for (let i = 0; i < n; i++)
  await openRecord({ data: { release: field } }, "secret", { full: true, allowSecretValues: false });
process.stdout.write(
  `open for helm_get (decode + redact values, 600-document manifest, notes): ${((performance.now() - t0) / n).toFixed(1)} ms per record\n`,
);
