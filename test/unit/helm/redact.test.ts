// What helm_get may show of a release: values, manifest and notes after the one redactor.
import { describe, expect, it } from "vitest";
import type { Release } from "../../../src/helm/record.js";
import { showRelease } from "../../../src/helm/redact.js";

const PASSWORD = "hunter2-planted-pw";
const TOKEN = "tok-planted-9f8e7d";

const release: Release = {
  name: "web",
  namespace: "apps",
  version: 1,
  info: { status: "deployed", notes: `Log in with ${PASSWORD}` },
  chart: { metadata: { name: "web-app", version: "1.0.0" }, values: { replicas: 1, db: { password: "" } } },
  config: { db: { password: PASSWORD }, apiToken: TOKEN, replicas: 2 },
  manifest: [
    "---",
    "# Source: web-app/templates/secret.yaml",
    "apiVersion: v1",
    "kind: Secret",
    "metadata:",
    "  name: web",
    "stringData:",
    `  password: ${PASSWORD}`,
    "---",
    "# Source: web-app/templates/cm.yaml",
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    "  name: web",
    "data:",
    `  copied: ${TOKEN}`,
    "  plain: hello",
    "",
  ].join("\n"),
};

describe("showRelease", () => {
  it("redacts credentials in values and manifest, and scrubs the same values from notes and other documents", async () => {
    const shown = await showRelease(release, false);
    const all = JSON.stringify(shown);
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(TOKEN);
    expect(shown.userValues).toEqual({ db: { password: "<redacted>" }, apiToken: "<redacted>", replicas: 2 });
    expect(shown.computedValues).toMatchObject({ replicas: 2, db: { password: "<redacted>" } });
    expect(shown.manifest).toContain("# Source: web-app/templates/secret.yaml");
    expect(shown.manifest).toContain('password: "<redacted: 18 bytes>"');
    expect(shown.manifest).toContain("plain: hello");
    expect(shown.notes).toBe("Log in with <redacted>");
    expect(shown.redactions).toBeGreaterThan(0);
  });

  it("keeps documents the redactor leaves alone exactly as Helm rendered them", async () => {
    const plain =
      "---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";
    const shown = await showRelease({ ...release, config: {}, manifest: plain, info: {} }, false);
    expect(shown.manifest).toBe(plain);
  });

  it("shows everything when allow_secret_values is set", async () => {
    const shown = await showRelease(release, true);
    expect(shown.userValues).toEqual(release.config);
    expect(shown.manifest).toBe(release.manifest);
  });
});
