// Merges several classic kubeconfig files into one document the way kubectl does (first definition wins).

interface Named {
  name?: unknown;
}

function list(doc: unknown, key: string): Named[] {
  if (!doc || typeof doc !== "object") return [];
  const v = (doc as Record<string, unknown>)[key];
  return Array.isArray(v) ? v.filter((x): x is Named => Boolean(x) && typeof x === "object") : [];
}

/**
 * Why: a context in one KUBECONFIG file may use a cluster or user defined in another. Works on the documents the
 * KubeconfigStore parsed once (client-node's parser), so the merged client and isolation read the same entries.
 */
export function mergeKubeconfigDocs(
  docs: readonly unknown[],
  currentContext: string,
): Record<string, unknown> {
  const seen = { clusters: new Set<unknown>(), users: new Set<unknown>(), contexts: new Set<unknown>() };
  const out = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [] as Named[],
    users: [] as Named[],
    contexts: [] as Named[],
  };
  for (const doc of docs) {
    for (const key of ["clusters", "users", "contexts"] as const) {
      for (const item of list(doc, key)) {
        if (seen[key].has(item.name)) continue;
        seen[key].add(item.name);
        out[key].push(item);
      }
    }
  }
  return { ...out, "current-context": currentContext };
}
