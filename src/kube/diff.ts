// Normalizes objects and finds field-level differences across clusters, ignoring server-managed noise.

type Obj = Record<string, unknown>;

const NOISY_METADATA = [
  "resourceVersion",
  "uid",
  "creationTimestamp",
  "generation",
  "managedFields",
  "selfLink",
  "ownerReferences",
];
const NOISY_ANNOTATIONS = [
  /^kubectl\.kubernetes\.io\/last-applied-configuration$/,
  /^deployment\.kubernetes\.io\/revision$/,
];

/** Why: two copies of "the same" object differ in uid, resourceVersion, timestamps and status; none of that matters. */
export function normalize(obj: Obj): Obj {
  const out: Obj = { ...obj };
  delete out.status;
  const meta = { ...((obj.metadata as Obj | undefined) ?? {}) };
  for (const k of NOISY_METADATA) delete meta[k];
  const ann = meta.annotations as Record<string, string> | undefined;
  if (ann) {
    const kept = Object.fromEntries(
      Object.entries(ann).filter(([k]) => !NOISY_ANNOTATIONS.some((re) => re.test(k))),
    );
    if (Object.keys(kept).length) meta.annotations = kept;
    else delete meta.annotations;
  }
  out.metadata = meta;
  return out;
}

function keyOf(item: unknown): string | undefined {
  if (item && typeof item === "object" && typeof (item as Obj).name === "string")
    return `name=${(item as Obj).name}`;
  return undefined;
}

/** Why: flat "path -> value" maps make differences easy to list; named list items are keyed by name, not index. */
export function flatten(v: unknown, prefix = "", out: Map<string, string> = new Map()): Map<string, string> {
  if (Array.isArray(v)) {
    const named = v.every((x) => keyOf(x) !== undefined);
    if (v.length === 0) out.set(prefix, "[]");
    v.forEach((x, i) => {
      flatten(x, `${prefix}[${named ? keyOf(x) : i}]`, out);
    });
  } else if (v && typeof v === "object") {
    const entries = Object.entries(v as Obj);
    if (entries.length === 0) out.set(prefix, "{}");
    for (const [k, x] of entries) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, JSON.stringify(v));
  }
  return out;
}

/** Why: one differing field and each cluster's value (undefined = field absent there). */
export interface FieldDiff {
  path: string;
  values: Record<string, string | undefined>;
}

/** Why: compares the normalized object from every cluster that has it; returns only paths that differ. */
export function diffAcross(objs: Record<string, Obj>): FieldDiff[] {
  const flat = Object.fromEntries(Object.entries(objs).map(([c, o]) => [c, flatten(normalize(o))]));
  const clusters = Object.keys(flat);
  const paths = new Set<string>();
  for (const m of Object.values(flat)) for (const p of m.keys()) paths.add(p);
  const diffs: FieldDiff[] = [];
  for (const path of [...paths].sort()) {
    const values = Object.fromEntries(clusters.map((c) => [c, flat[c]?.get(path)]));
    if (new Set(Object.values(values)).size > 1) diffs.push({ path, values });
  }
  return diffs;
}
