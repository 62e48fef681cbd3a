// The hostile inputs the adversarial suite throws at every tool, and a before/after view of a cluster's objects.
import type { CallToolResult } from "@modelcontextprotocol/server";
import { expect } from "vitest";
import type { TestCluster } from "../../harness/controlplane.js";
import { apiRequest } from "../../harness/https.js";
import { admin } from "../../helpers/cluster-api.js";
import { resultText } from "../../helpers/mcp.js";

/** Why: names an attacker (or a confused agent) might pass: path tricks, encodings, separators, look-alikes. */
export const HOSTILE_NAMES: readonly string[] = [
  ".",
  "..",
  "./",
  "../",
  "a/b",
  "a/..",
  "../kube-system",
  "%2F",
  "a%2Fb",
  "%2e",
  "%2e%2e",
  ".%2e",
  "..%2F..%2Fnamespaces",
  "%252e%252e",
  "a?b",
  "?watch=true",
  "a#b",
  "#",
  " a",
  "a ",
  " ",
  "a\n",
  "a\r\nX-Injected: 1",
  "a\tb",
  "a\u0000b",
  "*",
  "a*",
  "a;b",
  "a\\b",
  "..\\..",
  "A",
  "ＣonfigMap", // fullwidth C
  "tаrget", // Cyrillic a
  "target\u200b", // zero-width space
  "\u202etegrat", // right-to-left override
  "x".repeat(254),
  "x".repeat(10_000),
  "__proto__",
  "-target",
  "target-",
  "",
];

/** Why: namespaces get the same treatment; some are real namespaces in disguise. */
export const HOSTILE_NAMESPACES: readonly string[] = [
  ".",
  "..",
  "a/b",
  "default/configmaps",
  "%2F",
  "%2e%2e",
  "a?b",
  "a#b",
  " default",
  "default ",
  "default\n",
  "dеfault", // Cyrillic e
  "DEFAULT",
  "*",
  "x".repeat(64),
  "__proto__",
  "kube-system/..",
  "",
];

/** Why: apiVersion spellings that once reached other paths (`../api%2Fv1` was served). */
export const HOSTILE_API_VERSIONS: readonly string[] = [
  "v1/",
  " v1",
  "v1 ",
  "/v1",
  "../api%2Fv1",
  "..%2Fapi%2Fv1",
  "api/v1",
  "./v1",
  "V1",
  "v1?x=1",
  "v1#",
  "apps/v1/",
  "apps//v1",
  "apps/v1/../../api/v1",
  "%61pps/v1",
  "v1\n",
  "",
];

/** Why: a refused call is an isError result (or a protocol-level refusal of an argument the schema rejects). */
export async function expectRefused(
  call: Promise<CallToolResult>,
  what: string,
  pattern?: RegExp,
): Promise<string> {
  const outcome = await call.then(
    (res) => ({ res }),
    (err: unknown) => ({ err }),
  );
  if ("err" in outcome) {
    const text = String(outcome.err);
    expect(text, `${what}: unexpected failure`).toMatch(/-32602/);
    return text;
  }
  const text = resultText(outcome.res);
  expect(outcome.res.isError, `${what} was accepted: ${text.slice(0, 200)}`).toBe(true);
  // SDK v2 answers a schema violation as an isError result ("Input validation error: ... <field>: <issue>"):
  // refused before the handler, like the -32602 above; `pattern` is for the server's own refusals.
  if (/^Input validation error: Invalid arguments for tool \w+: /.test(text)) return text;
  if (pattern) expect(text, what).toMatch(pattern);
  return text;
}

/** Why: every object of the kinds the suite could touch, by path, with its resourceVersion and uid. */
export type Snapshot = Map<string, string>;

const COLLECTIONS = [
  "/api/v1/configmaps",
  "/api/v1/secrets",
  "/api/v1/pods",
  "/api/v1/services",
  "/apis/apps/v1/deployments",
  "/apis/batch/v1/jobs",
];

interface Listed {
  items: { metadata: { name: string; namespace?: string; uid: string; resourceVersion: string } }[];
}

/** Why: the state of the namespaces a test owns, plus every namespace of the cluster, read by the admin. */
export async function snapshot(c: TestCluster, namespaces: readonly string[]): Promise<Snapshot> {
  const out: Snapshot = new Map();
  const get = async (path: string): Promise<Listed> => {
    const res = await apiRequest(admin(c), "GET", path);
    if (res.status !== 200) throw new Error(`snapshot ${path}: ${res.status}`);
    return res.json<Listed>();
  };
  for (const ns of (await get("/api/v1/namespaces")).items)
    out.set(`namespaces/${ns.metadata.name}`, `${ns.metadata.uid}@${ns.metadata.resourceVersion}`);
  for (const ns of namespaces) {
    for (const col of COLLECTIONS) {
      const path = col.replace(
        /\/(configmaps|secrets|pods|services|deployments|jobs)$/,
        `/namespaces/${ns}/$1`,
      );
      for (const o of (await get(path)).items)
        out.set(`${path}/${o.metadata.name}`, `${o.metadata.uid}@${o.metadata.resourceVersion}`);
    }
  }
  return out;
}

/** Why: what changed between two snapshots; namespaces other test files create meanwhile are not ours. */
export function changes(before: Snapshot, after: Snapshot): string[] {
  const diff: string[] = [];
  for (const [k, v] of before) {
    const now = after.get(k);
    if (now === undefined) diff.push(`removed ${k}`);
    else if (now !== v) diff.push(`changed ${k}`);
  }
  for (const k of after.keys()) if (!before.has(k) && !k.startsWith("namespaces/")) diff.push(`added ${k}`);
  return diff.sort();
}

/** Why: names that are valid path segments (RBAC and CRD names allow them): sent encoded, they must hit exactly themselves. */
export const PATH_SEGMENT_NAMES: readonly string[] = [
  "a?b",
  "a#b",
  " a",
  "*",
  "a;b",
  "a\\b",
  "ＣonfigMap",
  "__proto__",
  "constructor",
  "a b",
  "x".repeat(300),
];

/** Why: only discovery may be read before validation refuses a call; anything else reaching the wire is a leak. */
export function objectRequests(reqs: readonly { method: string; url: string }[]): string[] {
  const discovery = /^\/(api|apis|api\/v1|apis\/[a-z0-9.-]+\/v[0-9a-z]+|version)(\?.*)?$/;
  return reqs
    .filter((r) => !(r.method === "GET" && discovery.test(r.url)))
    .map((r) => `${r.method} ${r.url}`);
}
