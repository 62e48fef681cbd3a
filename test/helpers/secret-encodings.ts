// Hostile spellings of a Secret manifest, shared by the redactor's unit tests and the adversarial-secrets suite.

/** Why: the planted value every encoding carries; it must appear in no output, log line or audit record. */
export const V = "hunter2-planted-value";
/** Why: the planted value as the API stores it (data is base64). */
export const B64 = Buffer.from(V).toString("base64");

/** Why: every spelling of a Secret manifest the suite knows; each must apply as a Secret and be recorded without V. */
export const SECRET_ENCODINGS: Record<string, string> = {
  plain: `apiVersion: v1\nkind: Secret\nmetadata: {name: s1}\nstringData: {password: ${V}}\n`,
  doubleQuoted: `apiVersion: v1\nkind: "Secret"\nmetadata: {name: s1}\nstringData: {password: ${V}}\n`,
  singleQuoted: `apiVersion: v1\nkind: 'Secret'\nmetadata: {name: s1}\nstringData: {password: ${V}}\n`,
  strTag: `apiVersion: v1\nkind: !!str Secret\nmetadata: {name: s1}\nstringData: {password: ${V}}\n`,
  lowerCase: `apiVersion: v1\nkind: secret\nmetadata: {name: s1}\nstringData: {password: ${V}}\n`,
  upperCase: `apiVersion: v1\nkind: SECRET\nmetadata: {name: s1}\nstringData: {password: ${V}}\n`,
  jsonEscape: `{"apiVersion":"v1","kind":"Sec\\u0072et","metadata":{"name":"s1"},"data":{"password":"${B64}"}}`,
  yamlEscape: `apiVersion: v1\nkind: "Sec\\x72et"\nmetadata: {name: s1}\nstringData: {password: ${V}}\n`,
  inDocAlias: `apiVersion: v1\nmetadata: {name: s1, labels: {k: &k Secret}}\nkind: *k\nstringData: {password: ${V}}\n`,
  mergeKey: `<<: {kind: Secret, apiVersion: v1}\nmetadata: {name: s1}\nstringData: {password: ${V}}\n`,
  flow: `{apiVersion: v1, kind: Secret, metadata: {name: s1}, stringData: {password: ${V}}}`,
  secondDoc: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s1}\nstringData: {password: ${V}}\n`,
  list: `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: s1}\n  data: {password: ${B64}}\n`,
  secretList: `apiVersion: v1\nkind: SecretList\nitems:\n- metadata: {name: s1}\n  data: {password: ${B64}}\n`,
  quotedKeys: `"apiVersion": v1\n"kind": Secret\n"metadata": {"name": s1}\n"stringData": {"password": "${V}"}\n`,
  comments: `# kind: ConfigMap\napiVersion: v1 # comment\nkind: Secret # kind: ConfigMap\nmetadata: {name: s1}\nstringData:\n  password: ${V} # trailing\n`,
  crlf: `apiVersion: v1\r\nkind: Secret\r\nmetadata: {name: s1}\r\nstringData:\r\n  password: ${V}\r\n`,
  blockScalar: `apiVersion: v1\nkind: >-\n  Secret\nmetadata: {name: s1}\nstringData:\n  password: |\n    ${V}\n`,
  documentStart: `%YAML 1.1\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s1}\nstringData: {password: ${V}}\n...\n`,
  misplacedValue: `apiVersion: v1\nkind: Secret\nmetadata: {name: s1, annotations: {note: ${V}}}\nfoo: ${V}\n`,
};
