// clusters_compare: the same resource (or a namespace's list of a kind) across clusters, and what differs.
import { createHmac, randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import { z } from "zod";
import { selectClusters } from "../clusters/select.js";
import { ToolError } from "../errors.js";
import { diffAcross, type FieldDiff } from "../kube/diff.js";
import { KubeError } from "../kube/errors.js";
import type { Fingerprint } from "../kube/sanitize.js";
import { textShare } from "../mcp/budget.js";
import { describeError } from "../mcp/results.js";
import { type AnyTool, defineFleetTool, type ToolContext } from "../mcp/tool.js";
import { once } from "../util/once.js";
import { mapPool } from "../util/pool.js";
import { READ_ONLY, typeFields } from "./common.js";
import { describeGroups, fitLines, groupValues } from "./fleet-groups.js";

type Obj = Record<string, unknown>;
const MAX_DIFFS = 40;
const MAX_OBJECTS = 5000;
const CONCURRENCY = 32;

interface Fetched {
  cluster: string;
  objects?: Map<string, Obj>;
  error?: string;
}

async function fetchFrom(
  ctx: ToolContext,
  cluster: string,
  args: { apiVersion: string; kind: string; name?: string; namespace?: string },
  fingerprint: Fingerprint,
): Promise<Fetched> {
  try {
    // The scoped client redacts Secret values into this call's keyed fingerprints before anything is compared.
    const client = await ctx.openCluster(cluster, { fingerprint });
    const r = await client.resolve(args.apiVersion, args.kind);
    const namespace = r.namespaced ? (args.namespace ?? (await client.info()).defaultNamespace) : undefined;
    // List items come without apiVersion/kind; set them so every cluster's objects compare alike.
    const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
    const typed = (o: Obj): Obj => ({ apiVersion, kind: r.kind, ...o });
    if (args.name) {
      try {
        const o = await client.get({ resource: r, namespace, name: args.name });
        return { cluster, objects: new Map([[args.name, typed(o)]]) };
      } catch (err) {
        if (err instanceof KubeError && err.kind === "not-found") return { cluster, objects: new Map() };
        throw err;
      }
    }
    // Every page, up to a cap: comparing a truncated list would report objects as absent that are not.
    const objects = new Map<string, Obj>();
    let cont: string | undefined;
    do {
      const page = await client.list<{ items?: Obj[]; metadata?: { continue?: string } }>(r, {
        namespace,
        limit: 500,
        continue: cont,
      });
      for (const o of page.items ?? [])
        objects.set(String((o.metadata as Obj | undefined)?.name ?? ""), typed(o));
      cont = page.metadata?.continue || undefined;
    } while (cont && objects.size < MAX_OBJECTS);
    if (cont)
      throw new ToolError(
        `more than ${MAX_OBJECTS} ${r.kind} objects`,
        "compare one object with `name`, or a narrower namespace",
      );
    return { cluster, objects };
  } catch (err) {
    return { cluster, error: describeError(err, { tool: "clusters_compare", cluster }) };
  }
}

const diffSchema = once(() =>
  z.object({
    path: z.string().describe("Field path, e.g. 'spec.template.spec.containers[name=web].image'."),
    values: z.record(z.string(), z.unknown()).describe("Each cluster's value (JSON, not re-encoded)."),
    absentOn: z.array(z.string()).describe("Clusters whose object lacks this field."),
  }),
);

type Diff = z.infer<ReturnType<typeof diffSchema>>;

// The diff keeps each value JSON-encoded for comparison; structuredContent carries the values themselves.
function decodeDiff(d: FieldDiff): Diff {
  const values: Record<string, unknown> = {};
  const absentOn: string[] = [];
  for (const [cluster, v] of Object.entries(d.values)) {
    if (v === undefined) absentOn.push(cluster);
    else values[cluster] = JSON.parse(v);
  }
  return { path: d.path, values, absentOn };
}

// Each differing field as majority and outliers: "spec.replicas: 2 on 97 clusters; 5 on c1-dfw1".
function renderDiffs(name: string, diffs: FieldDiff[]): string[] {
  const lines = [`${name}: ${diffs.length} field(s) differ`];
  for (const d of diffs.slice(0, MAX_DIFFS)) {
    const groups = groupValues(Object.entries(d.values).map(([c, v]) => [c, v ?? "<absent>"] as const));
    lines.push(`  ${d.path}: ${describeGroups(groups)}`);
  }
  if (diffs.length > MAX_DIFFS)
    lines.push(`  ... ${diffs.length - MAX_DIFFS} more (compare a single object with \`name\`)`);
  return lines;
}

// Which clusters hold an object, grouped like values: the common case counted, the exceptions named.
function renderPresence(name: string, holders: string[], missing: string[]): string {
  const groups = groupValues([
    ...holders.map((c) => [c, "present"] as const),
    ...missing.map((c) => [c, "absent"] as const),
  ]);
  return `${name}: ${describeGroups(groups)}`;
}

const clustersCompare = defineFleetTool({
  name: "clusters_compare",
  title: "Clusters: Compare",
  description:
    "Compare a resource across clusters: which clusters have it, and which fields differ (images, replicas, labels, spec...). Server-managed noise (resourceVersion, uid, timestamps, status) is ignored. Without `name`, compares every object of the kind in the namespace.",
  input: () =>
    z.object({
      ...typeFields(),
      name: z
        .string()
        .min(1)
        .optional()
        .describe("Object name; omit to compare all objects of the kind in the namespace."),
      namespace: z
        .string()
        .min(1)
        .optional()
        .describe("Namespace (namespaced kinds; default: each context's namespace)."),
      clusters: z
        .array(z.string().min(1))
        .optional()
        .describe("Cluster names, aliases or globs (default: every cluster)."),
    }),
  output: () =>
    z.object({
      clusters: z.array(z.string()).describe("Clusters compared (those that answered)."),
      differences: z.array(
        z.object({
          name: z.string(),
          missingOn: z.array(z.string()).describe("Clusters that lack the object."),
          diffs: z.array(diffSchema()),
        }),
      ),
      identical: z.number().int().describe("Objects identical on every cluster that answered."),
      errors: z.array(z.object({ cluster: z.string(), error: z.string() })),
    }),
  annotations: READ_ONLY,
  handler: async (args, ctx) => {
    const clusters = await selectClusters(ctx.deps.clusters, args.clusters);
    // Secret values are compared through a keyed hash whose key lives only for this call: equal values show the
    // same fingerprint, and nothing learned here can be matched against another call or guessed offline.
    const key = randomBytes(32);
    const fingerprint: Fingerprint = (v) => createHmac("sha256", key).update(v).digest("hex").slice(0, 12);
    if (clusters.length < 2) throw new ToolError("comparing needs at least two clusters", "widen `clusters`");
    setMaxListeners(CONCURRENCY + 16, ctx.signal); // each leg in flight listens for cancellation: not a leak
    const fetched = (
      await mapPool(clusters, CONCURRENCY, (c) => fetchFrom(ctx, c, args, fingerprint), ctx.signal)
    ).flatMap((o) => (o.status === "done" ? [o.value] : []));
    const ok = fetched.filter((f): f is Fetched & { objects: Map<string, Obj> } => f.objects !== undefined);
    const names = [...new Set(ok.flatMap((f) => [...f.objects.keys()]))].sort();
    const lines: string[] = [];
    const structured: { name: string; missingOn: string[]; diffs: Diff[] }[] = [];
    let identical = 0;
    for (const name of names) {
      const holders = ok.filter((f) => f.objects.has(name));
      const missing = ok.filter((f) => !f.objects.has(name)).map((f) => f.cluster);
      const diffs = diffAcross(
        Object.fromEntries(holders.map((f) => [f.cluster, f.objects.get(name) as Obj])),
      );
      if (!missing.length && !diffs.length) {
        identical++;
        continue;
      }
      if (missing.length)
        lines.push(
          renderPresence(
            name,
            holders.map((h) => h.cluster),
            missing,
          ),
        );
      if (diffs.length) lines.push(...renderDiffs(name, diffs));
      structured.push({ name, missingOn: missing, diffs: diffs.map(decodeDiff) });
    }
    const failed = fetched.filter((f) => f.error);
    const what = `${args.kind}${args.name ? ` '${args.name}'` : "s"}`;
    const head = `Compared ${what} across ${ok.length} cluster(s): ${structured.length} differ, ${identical} identical${failed.length ? `, ${failed.length} cluster(s) failed` : ""}.`;
    if (!names.length) lines.push(`No ${what} found on any cluster.`);
    for (const f of failed) lines.push(`error: ${f.error}`);
    const text = fitLines(
      [head],
      lines,
      textShare(ctx.budget),
      (n) =>
        `... ${n} more line(s) folded to fit max_output_bytes; structuredContent has every cluster's value (compare one object with \`name\`, or fewer \`clusters\`)`,
    );
    return {
      text,
      structured: {
        clusters: ok.map((f) => f.cluster),
        differences: structured,
        identical,
        errors: failed.map((f) => ({ cluster: f.cluster, error: f.error ?? "" })),
      },
    };
  },
});

/** Why: the compare tool, listed in tools/index.ts. */
export function compareTools(): AnyTool[] {
  return [clustersCompare];
}
