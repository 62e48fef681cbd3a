// Merges several classic kubeconfig files into one document the way kubectl does (first definition wins).
import { loadYaml } from "../util/yaml.js";
import { readPlainYaml } from "./discovery/plain-yaml.js";

interface Named {
  name?: unknown;
}

function list(doc: unknown, key: string): Named[] {
  if (!doc || typeof doc !== "object") return [];
  const v = (doc as Record<string, unknown>)[key];
  return Array.isArray(v) ? v.filter((x): x is Named => Boolean(x) && typeof x === "object") : [];
}

/**
 * Why: a context in one KUBECONFIG file may use a cluster or user defined in another. The merged document is
 * written as JSON, which is YAML: client-node reads it as it reads the files, and plain files (what kubectl
 * writes) are merged without loading the `yaml` package (~5 MB of RSS and tens of ms on a first call).
 */
export async function mergeKubeconfigTexts(texts: string[], currentContext: string): Promise<string> {
  const seen = { clusters: new Set<unknown>(), users: new Set<unknown>(), contexts: new Set<unknown>() };
  const out = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [] as Named[],
    users: [] as Named[],
    contexts: [] as Named[],
  };
  for (const text of texts) {
    let doc: unknown;
    try {
      doc = readPlainYaml(text) ?? (await loadYaml()).parse(text);
    } catch {
      continue;
    }
    for (const key of ["clusters", "users", "contexts"] as const) {
      for (const item of list(doc, key)) {
        if (seen[key].has(item.name)) continue;
        seen[key].add(item.name);
        out[key].push(item);
      }
    }
  }
  return JSON.stringify({ ...out, "current-context": currentContext });
}
