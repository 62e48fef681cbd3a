// Audit-record redaction of tool arguments.
import { describe, expect, it } from "vitest";
import { redactArgs } from "../../src/mcp/redact-args.js";

describe("redactArgs", () => {
  it("redacts manifests containing a Secret however kind is quoted, and credential-like keys", () => {
    for (const kind of ["Secret", '"Secret"', "'Secret'"]) {
      const resource = `apiVersion: v1\nkind: ${kind}\nstringData: {p: hunter2}\n`;
      expect(JSON.stringify(redactArgs({ resource }))).not.toContain("hunter2");
    }
    const json = JSON.stringify({ apiVersion: "v1", kind: "Secret", data: { p: "aHVudGVyMg==" } });
    expect(JSON.stringify(redactArgs({ resource: json }))).not.toContain("aHVudGVyMg==");
    const nested = redactArgs({ parameters: { token: "abc", data: { k: "v" }, name: "web" } });
    expect(nested).toEqual({ parameters: { token: "<redacted>", data: "<redacted>", name: "web" } });
  });

  it("keeps ordinary arguments and shortens very long strings", () => {
    const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n";
    expect(redactArgs({ resource: cm, cluster: "c1" })).toEqual({ resource: cm, cluster: "c1" });
    const long = "x".repeat(5000);
    expect(String(redactArgs({ q: long }).q)).toMatch(/^x{2000}\.\.\.\(5000 chars\)$/);
  });
});
