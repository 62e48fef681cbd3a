// Audit-record redaction of tool arguments: manifests are parsed like the apply path and the parsed kind decides.
import { describe, expect, it } from "vitest";
import { parseManifests } from "../../src/kube/objects.js";
import { redactArgs } from "../../src/mcp/redact-args.js";
import { B64, SECRET_ENCODINGS, V } from "../helpers/secret-encodings.js";

describe("redactArgs", () => {
  for (const [name, resource] of Object.entries(SECRET_ENCODINGS)) {
    it(`records a Secret manifest (${name}) without its values`, async () => {
      // Precondition: the apply path reads the planted value, so only redaction can keep it out of the record.
      const parsed = JSON.stringify(await parseManifests(resource));
      expect(parsed.includes(V) || parsed.includes(B64)).toBe(true);
      const record = JSON.stringify(await redactArgs({ resource, cluster: "c1" }));
      expect(record).not.toContain(V);
      expect(record).not.toContain(B64);
      expect(record).toContain("s1"); // the identity stays: the audit trail says what was applied
    });
  }

  it("redacts a manifest that does not parse, or whose kind is not a string, whole", async () => {
    for (const resource of [
      `kind: Secret\nstringData: {password: ${V}\n`,
      `x: &k Secret\n---\napiVersion: v1\nkind: *k\nstringData: {password: ${V}}\n`, // anchors are per document
      `apiVersion: v1\nkind: !!binary U2VjcmV0\nstringData: {password: ${V}}\n`,
      `apiVersion: v1\nkind: {a: Secret}\nstringData: {password: ${V}}\n`,
      `apiVersion: v1\nstringData: {password: ${V}}\n`,
      `- kind: Secret\n  stringData: {password: ${V}}\n`,
      `a: &a [${V}]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n`,
    ]) {
      expect(JSON.stringify(await redactArgs({ resource }))).not.toContain(V);
    }
  });

  it("applies the same rules inside clusters_exec_all parameters", async () => {
    const record = await redactArgs({
      operation: "resources_create_or_update",
      parameters: { resource: SECRET_ENCODINGS.lowerCase, token: "abc123", command: ["--password", V] },
    });
    expect(JSON.stringify(record)).not.toContain(V);
    expect(JSON.stringify(record)).not.toContain("abc123");
  });

  it("keeps ordinary manifests readable and shortens very long strings", async () => {
    const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {color: blue}\n";
    expect(await redactArgs({ resource: cm, cluster: "c1" })).toEqual({
      resource: {
        manifest: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { color: "blue" } }],
      },
      cluster: "c1",
    });
    const long = "x".repeat(5000);
    expect(String((await redactArgs({ q: long })).q)).toMatch(/^x{2000}\.\.\.\(5000 chars\)$/);
  });

  it("redacts credential flags, URL userinfo and credential-named keys in any argument", async () => {
    const record = JSON.stringify(
      await redactArgs({
        command: ["mysql", `--password=${V}`, "--token", V, "-h", "db"],
        script: `curl -H 'Authorization: Bearer ${V}' https://u:${V}@h/`,
        nested: { client_secret: V, api_key: V },
      }),
    );
    expect(record).not.toContain(V);
    expect(record).toContain('"-h","db"');
  });

  it("treats prototype names as ordinary keys", async () => {
    const args = JSON.parse(`{"__proto__": {"token": "${V}"}, "constructor": "x"}`) as Record<
      string,
      unknown
    >;
    const record = JSON.stringify(await redactArgs(args));
    expect(record).not.toContain(V);
  });
});
