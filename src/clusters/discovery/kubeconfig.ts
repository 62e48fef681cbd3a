// Reads kubeconfig YAML into a credential-free shape, and merges KUBECONFIG lists the way kubectl does.
import { load, YAMLException } from "js-yaml";
import { z } from "zod";
import { redactUrl } from "../../redact/url.js";
import { errorCode } from "../../util/net-errors.js";
import type { ClassicResult, KubeClusterRef, KubeContext, ParsedKubeconfig, Problem } from "./types.js";

// A kubeconfig that cannot be used; the message names the source and never contains file contents.
export class KubeconfigError extends Error {
  readonly source: string;
  readonly what: string;
  constructor(source: string, what: string) {
    super(`${source}: ${what}`);
    this.name = "KubeconfigError";
    this.source = source;
    this.what = what;
  }
}

// Only the fields discovery needs; everything else (credentials included) is passed over, never read.
const ContextEntry = z.object({
  name: z.string().min(1),
  context: z.looseObject({
    cluster: z.string().min(1),
    user: z.string().nullish(),
    namespace: z.string().nullish(),
  }),
});
const ClusterEntry = z.object({
  name: z.string().min(1),
  cluster: z
    .looseObject({ server: z.string().nullish(), "insecure-skip-tls-verify": z.boolean().nullish() })
    .nullish(),
});
const UserEntry = z.looseObject({ name: z.string().min(1) });
const KubeconfigDoc = z.looseObject({
  "current-context": z.string().nullish(),
  contexts: z.array(ContextEntry).nullish(),
  clusters: z.array(ClusterEntry).nullish(),
  users: z.array(UserEntry).nullish(),
});

// js-yaml's reasons are fixed phrases, except where they quote a tag, alias or key: those parts are dropped.
function reasonWords(reason: string | undefined): string {
  return (reason ?? "invalid YAML").replace(/\s*("[^"]*"|'[^']*'|<[^>]*>|!\S*)/g, "").trim();
}

/**
 * Why: the one parse of a kubeconfig text, with the parser client-node uses (js-yaml), so isolation, listing and
 * the client read the same servers. Undefined for an empty document; errors carry line/column, never content.
 */
export function readKubeconfigDoc(text: string, source: string): unknown {
  try {
    return load(text);
  } catch (err) {
    if (!(err instanceof YAMLException)) throw new KubeconfigError(source, "invalid YAML");
    // js-yaml 5 refuses a text of nothing but comments or blanks ("the input is empty"): an empty document.
    if (/input is empty/.test(err.reason ?? "")) return undefined;
    const at = err.mark ? ` at line ${err.mark.line + 1}, column ${err.mark.column + 1}` : "";
    throw new KubeconfigError(source, `invalid YAML${at}: ${reasonWords(err.reason)}`);
  }
}

/** Why: the parse as data for readers that only look (expiry, Rancher's token): the document or why not. */
export function tryReadKubeconfigDoc(text: string, source: string): { doc: unknown; error?: string } {
  try {
    return { doc: readKubeconfigDoc(text, source) };
  } catch (err) {
    return { doc: undefined, error: err instanceof KubeconfigError ? err.what : "invalid YAML" };
  }
}

function describeType(value: unknown): string {
  if (value === null || value === undefined) return "empty";
  if (Array.isArray(value)) return "a list";
  return `a ${typeof value}`;
}

function issuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "document" : out;
}

type Shape = { requireContexts: boolean };

/** Why: the credential-free view of an already parsed kubeconfig, read leniently (a file may hold only users). */
export function describeKubeconfig(raw: unknown, source: string): ParsedKubeconfig {
  return describeDoc(raw, source, { requireContexts: false });
}

/** Shared by the strict (one file per cluster) and lenient (KUBECONFIG list member) readers. */
function parseWith(text: string, source: string, shape: Shape): ParsedKubeconfig {
  return describeDoc(readKubeconfigDoc(text, source), source, shape);
}

function describeDoc(raw: unknown, source: string, shape: Shape): ParsedKubeconfig {
  if (raw === null || raw === undefined) {
    if (shape.requireContexts) throw new KubeconfigError(source, "not a kubeconfig (empty file)");
    return { contexts: [], clusters: new Map(), users: new Set() };
  }
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new KubeconfigError(
      source,
      `not a kubeconfig (the document is ${describeType(raw)}, not a mapping)`,
    );
  }
  const parsed = KubeconfigDoc.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? "document" : issuePath(issue.path);
    const what = issue === undefined ? "invalid" : issue.message;
    throw new KubeconfigError(source, `not a valid kubeconfig (${where}: ${what})`);
  }
  const data = parsed.data;
  const contexts: KubeContext[] = [];
  const seen = new Set<string>();
  for (const entry of data.contexts ?? []) {
    if (seen.has(entry.name)) continue; // first definition wins, as across files
    seen.add(entry.name);
    const ctx: KubeContext = {
      name: entry.name,
      cluster: entry.context.cluster,
      user: entry.context.user ?? "",
    };
    if (entry.context.namespace) ctx.namespace = entry.context.namespace;
    contexts.push(ctx);
  }
  if (shape.requireContexts && contexts.length === 0) {
    throw new KubeconfigError(source, "not a kubeconfig (no contexts)");
  }
  const clusters = new Map<string, KubeClusterRef>();
  for (const entry of data.clusters ?? []) {
    if (clusters.has(entry.name)) continue;
    const ref: KubeClusterRef = { name: entry.name };
    const server = entry.cluster?.server;
    if (server) ref.server = redactUrl(server);
    const insecure = entry.cluster?.["insecure-skip-tls-verify"];
    if (typeof insecure === "boolean") ref.insecure = insecure;
    clusters.set(entry.name, ref);
  }
  const users = new Set<string>((data.users ?? []).map((u) => u.name));
  const result: ParsedKubeconfig = { contexts, clusters, users };
  const current = data["current-context"];
  if (current) result.currentContext = current;
  return result;
}

// Reads one per-cluster kubeconfig (directory mode), where a file without contexts is a mistake.
export function parseKubeconfig(text: string, source: string): ParsedKubeconfig {
  return parseWith(text, source, { requireContexts: true });
}

/** Why: a file the caller already read and parsed once (KubeconfigStore): its document, or why it does not parse. */
export interface ParsedFile {
  doc: unknown;
  error?: string;
}

type FileRead =
  | { path: string; text: string | ParsedFile }
  | { path: string; missing: true }
  | { path: string; problem: Problem };

async function readOne(
  path: string,
  readFile: (p: string) => Promise<string | ParsedFile>,
): Promise<FileRead> {
  try {
    return { path, text: await readFile(path) };
  } catch (err) {
    const code = errorCode(err);
    if (code === "ENOENT" || code === "ENOTDIR") return { path, missing: true };
    if (code === "EISDIR") {
      const message = `kubeconfig ${path} is a directory: pass a directory of kubeconfig files with --kubeconfig-dir ${path} (kubeconfig_dir), --kubeconfig takes files`;
      return { path, problem: { kind: "malformed", message, file: path } };
    }
    const message =
      code === "EFBIG" ? (err as Error).message : `${path}: cannot be read (${code || "read error"})`;
    return { path, problem: { kind: "malformed", message, file: path } };
  }
}

// Backward compatibility with --kubeconfig / KUBECONFIG: merges the list kubectl-style, never failing outright.
export async function loadClassicKubeconfig(
  paths: string[],
  readFile: (p: string) => Promise<string | ParsedFile>,
): Promise<ClassicResult> {
  const unique = [...new Set(paths.filter((p) => p !== ""))];
  const reads = await Promise.all(unique.map((p) => readOne(p, readFile)));
  const result: ClassicResult = { contexts: [], missing: [], problems: [] };
  const seen = new Set<string>();
  for (const read of reads) {
    if ("missing" in read) {
      result.missing.push(read.path);
      continue;
    }
    if ("problem" in read) {
      result.problems.push(read.problem);
      continue;
    }
    let parsed: ParsedKubeconfig;
    try {
      const { text } = read;
      if (typeof text !== "string" && text.error) throw new KubeconfigError(read.path, text.error);
      const doc = typeof text === "string" ? readKubeconfigDoc(text, read.path) : text.doc;
      parsed = describeDoc(doc, read.path, { requireContexts: false });
    } catch (err) {
      const message = err instanceof KubeconfigError ? err.message : `${read.path}: not a valid kubeconfig`;
      result.problems.push({ kind: "malformed", message, file: read.path });
      continue;
    }
    if (result.currentContext === undefined && parsed.currentContext) {
      result.currentContext = parsed.currentContext;
    }
    for (const ctx of parsed.contexts) {
      if (seen.has(ctx.name)) continue;
      seen.add(ctx.name);
      result.contexts.push({ ...ctx, file: read.path });
    }
  }
  return result;
}
