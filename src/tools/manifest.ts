// Applying a whole manifest: every document checked by the API server (a server-side dry run) before the first
// write, then applied in order; the answer says per document what was applied, what failed, what was not tried.
import { z } from "zod";
import { ToolError } from "../errors.js";
import { KubeError, type WriteEffect } from "../kube/errors.js";
import type { ScopedClient } from "../kube/scoped.js";
import { explainError } from "../mcp/results.js";
import { mapPool } from "../util/pool.js";

type Obj = Record<string, unknown>;

/** Why: a document as the answer names it: its place in the stream (1-based) and its identity. */
export interface DocRef {
  index: number;
  kind: string;
  namespace?: string;
  name: string;
}

/** Why: a document that failed, why, and (for a write whose answer was lost) whether it changed anything. */
export interface DocFailure extends DocRef {
  error: string;
  outcome?: WriteEffect;
}

/** Why: the per-document result, success or failure. */
export interface ManifestResult {
  applied: DocRef[];
  failed: DocFailure[];
  notAttempted: DocRef[];
  objects: Obj[];
  /** "check": the dry run refused it and nothing was written; "apply": a write failed part way. */
  stoppedAt?: "check" | "apply";
  /** Documents the API server accepted whose answers were lost (counted as applied), one sentence each. */
  lost: string[];
}

/** Why: the structuredContent fields of the result, for the tool's output schema. */
export function manifestFields() {
  const doc = z.object({
    index: z.number().int().positive().describe("Position of the document in the manifest (1-based)."),
    kind: z.string(),
    namespace: z.string().optional(),
    name: z.string(),
  });
  return {
    applied: z.array(doc).describe("Documents applied, in order."),
    failed: z
      .array(
        doc.extend({
          error: z.string().describe("Why it failed, and what to try."),
          outcome: z
            .enum(["not-applied", "applied", "unknown"])
            .optional()
            .describe("For a write whose answer was lost: whether it changed the object."),
        }),
      )
      .describe("Documents that failed (the check before any write, or the write itself)."),
    notAttempted: z.array(doc).describe("Documents not written because of the failures."),
    objects: z
      .array(z.record(z.string(), z.unknown()))
      .describe("The applied objects as the server returned them (redacted)."),
  };
}

// Dry runs are independent reads of the server's judgement: a few at a time, not a thousand sequential round trips.
const CHECK_CONCURRENCY = 8;
// How long documents wait for a namespace or CRD the same manifest just created to be served.
const SERVED_WAIT_MS = 10_000;

function refOf(obj: Obj, index: number): DocRef {
  const meta = (obj.metadata && typeof obj.metadata === "object" ? obj.metadata : {}) as Obj;
  const ref: DocRef = { index: index + 1, kind: String(obj.kind ?? "?"), name: String(meta.name ?? "") };
  if (typeof meta.namespace === "string") ref.namespace = meta.namespace;
  return ref;
}

// What the stream itself creates: a document may depend on these and cannot be checked until they exist.
function providedByStream(objs: Obj[]): { namespaces: Set<string>; kinds: Set<string> } {
  const namespaces = new Set<string>();
  const kinds = new Set<string>();
  for (const o of objs) {
    const name = (o.metadata as Obj | undefined)?.name;
    if (o.kind === "Namespace" && typeof name === "string") namespaces.add(name);
    const spec = o.spec as { group?: unknown; names?: { kind?: unknown } } | undefined;
    if (o.kind === "CustomResourceDefinition" && spec?.group && spec.names?.kind)
      kinds.add(`${String(spec.group)}/${String(spec.names.kind)}`);
  }
  return { namespaces, kinds };
}

// A dry run refused only because the stream has not yet created the document's namespace or kind.
function waitsForStream(err: unknown, obj: Obj, provided: ReturnType<typeof providedByStream>): boolean {
  const group = String(obj.apiVersion ?? "").split("/");
  // Only a kind not (yet) served waits; any other refusal of such a document is its own.
  const kindMissing = err instanceof ToolError && /has no kind|does not serve/.test(err.message);
  if (kindMissing && group.length === 2 && provided.kinds.has(`${group[0]}/${String(obj.kind)}`)) return true;
  const ns = (obj.metadata as Obj | undefined)?.namespace;
  if (!(err instanceof KubeError) || err.status !== 404 || typeof ns !== "string") return false;
  return provided.namespaces.has(ns) && err.message.includes(`namespaces "${ns}" not found`);
}

/**
 * Why: the write path of resources_create_or_update. Every document is resolved and dry-run first; any refusal
 * applies nothing. Documents whose namespace or kind the stream itself creates are checked once those exist.
 */
export async function applyManifest(
  cluster: ScopedClient,
  objs: Obj[],
  force: boolean,
  signal?: AbortSignal,
): Promise<ManifestResult> {
  const refs = objs.map(refOf);
  const provided = providedByStream(objs);
  const result: ManifestResult = { applied: [], failed: [], notAttempted: [], objects: [], lost: [] };
  const fail = (i: number, err: unknown): void => {
    const outcome = err instanceof KubeError ? err.effect : undefined;
    result.failed.push({ ...(refs[i] as DocRef), error: explainError(err), ...(outcome ? { outcome } : {}) });
  };
  const check = async (indexes: number[]): Promise<number[]> => {
    const later: number[] = [];
    const outcomes = await mapPool(
      indexes,
      CHECK_CONCURRENCY,
      async (i) =>
        cluster.apply(objs[i] as Obj, { force, dryRun: true }).then(
          () => undefined,
          (e: unknown) => e,
        ),
      signal,
    );
    outcomes.forEach((o, k) => {
      const i = indexes[k] as number;
      const err = o.status === "done" ? o.value : new KubeError("cancelled", "request cancelled");
      if (err === undefined) return;
      if (waitsForStream(err, objs[i] as Obj, provided)) later.push(i);
      else fail(i, err);
    });
    result.failed.sort((a, b) => a.index - b.index);
    return later;
  };
  const stop = (at: "check" | "apply", done: Set<number>): ManifestResult => {
    const failed = new Set(result.failed.map((f) => f.index - 1));
    result.notAttempted = refs.filter((_, i) => !done.has(i) && !failed.has(i));
    result.stoppedAt = at;
    return result;
  };
  const done = new Set<number>();
  const apply = async (indexes: number[]): Promise<boolean> => {
    for (const i of indexes) {
      try {
        result.objects.push(await cluster.apply(objs[i] as Obj, { force }));
        result.applied.push(refs[i] as DocRef);
        done.add(i);
      } catch (err) {
        // A 2xx whose body was lost: the document was applied; say so and go on.
        if (err instanceof KubeError && err.effect === "applied") {
          result.applied.push(refs[i] as DocRef);
          result.lost.push(`document ${i + 1}: ${err.message}`);
          done.add(i);
          continue;
        }
        fail(i, err);
        return false;
      }
    }
    return true;
  };
  const all = objs.map((_, i) => i);
  const deferred = await check(all);
  if (result.failed.length) return stop("check", done);
  if (!(await apply(all.filter((i) => !deferred.includes(i))))) return stop("apply", done);
  if (deferred.length === 0) return result;
  // Their namespaces and kinds exist now: check them all before writing any of them.
  // A CRD is served a moment after it is created: wait for it, bounded, instead of failing the first look.
  let still = await check(deferred);
  const until = Date.now() + SERVED_WAIT_MS;
  while (still.length && Date.now() < until && !signal?.aborted) {
    await new Promise((r) => setTimeout(r, 250));
    still = await check(still);
  }
  for (const i of still)
    fail(i, "its namespace or kind, created earlier in this manifest, is still not served");
  if (result.failed.length) return stop("check", done);
  if (!(await apply(deferred))) return stop("apply", done);
  return result;
}

const SHOWN = 20;

/** Why: a compact list for text answers: the first few documents, then how many more the data lists. */
export function listDocs(docs: DocRef[], field: string): string {
  const one = (d: DocRef): string => `${d.kind} ${d.namespace ? `${d.namespace}/` : ""}${d.name}`;
  const head = docs.slice(0, SHOWN).map(one).join(", ");
  return docs.length > SHOWN ? `${head}, ... ${docs.length - SHOWN} more (see ${field})` : head || "none";
}

/** Why: the failure text: what was applied, which documents failed and why, what was not tried. */
export function describeStop(r: ManifestResult, total: number): string {
  const failures = r.failed
    .slice(0, 5)
    .map(
      (f) => `document ${f.index} (${f.kind} ${f.namespace ? `${f.namespace}/` : ""}${f.name}): ${f.error}`,
    );
  if (r.failed.length > 5) failures.push(`... ${r.failed.length - 5} more (see failed)`);
  const head =
    r.stoppedAt === "check" && r.applied.length === 0
      ? `nothing applied: the check of all ${total} documents before the first write (a server-side dry run) refused ${r.failed.length}`
      : `stopped after applying ${r.applied.length} of ${total} documents`;
  return [
    `${head}:`,
    ...failures.map((f) => `- ${f}`),
    `applied: ${listDocs(r.applied, "applied")}`,
    r.applied.length === 0 && r.notAttempted.length + r.failed.length === total
      ? `not attempted: the other ${r.notAttempted.length} (see notAttempted)`
      : `not attempted: ${listDocs(r.notAttempted, "notAttempted")}`,
  ].join("\n");
}
