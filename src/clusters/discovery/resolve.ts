// Turns what the agent typed into a known cluster name, or into an actionable "did you mean" error.
import { editDistance } from "../../util/text.js";
import type { ResolveResult } from "./types.js";

const MAX_LISTED = 10;

type Candidate = { name: string; label: string; folded: number; exact: number };

/** Closest first: case-insensitive distance (so a case-only slip ranks first), then exact distance, then name. */
function rankCandidates(
  input: string,
  known: readonly string[],
  aliases: ReadonlyMap<string, string>,
): Candidate[] {
  const knownSet = new Set(known);
  const lower = input.toLowerCase();
  const candidates: Candidate[] = [];
  const add = (name: string, label: string): void => {
    candidates.push({
      name,
      label,
      folded: editDistance(lower, name.toLowerCase()),
      exact: editDistance(input, name),
    });
  };
  for (const name of knownSet) add(name, name);
  for (const [alias, target] of aliases) {
    if (knownSet.has(alias) || !knownSet.has(target)) continue; // shadowed or dangling aliases help nobody
    add(alias, `${alias} (alias of ${target})`);
  }
  candidates.sort(
    (x, y) => x.folded - y.folded || x.exact - y.exact || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0),
  );
  return candidates;
}

function listing(candidates: Candidate[]): string {
  if (candidates.length === 0) return "no clusters are available";
  const shown = candidates.slice(0, MAX_LISTED).map((c) => c.label);
  const rest = candidates.length - shown.length;
  return `known: ${shown.join(", ")}${rest > 0 ? `, and ${rest} more` : ""}`;
}

// Plain names and aliases (exact name first, then alias), per design §3; the address book adds the other forms.
// Aliases are a Map: a name such as `__proto__` or `constructor` is just an unknown name.
export function resolveClusterName(
  input: string,
  known: readonly string[],
  aliases: ReadonlyMap<string, string>,
): ResolveResult {
  if (known.includes(input)) return { ok: true, name: input, via: "name" };
  const ranked = rankCandidates(input, known, aliases);
  const suggestions = ranked.slice(0, MAX_LISTED).map((c) => c.name);
  const target = aliases.get(input);
  if (target !== undefined) {
    if (known.includes(target)) return { ok: true, name: target, via: "alias" };
    // The target's name is not repeated: it may be a cluster the filters hide.
    const message =
      `alias '${input}' points to a cluster that is not available ` +
      `(no such cluster, or it is hidden by cluster_pattern/exclude_clusters); ${listing(ranked)}`;
    return { ok: false, message, suggestions };
  }
  return { ok: false, message: `unknown cluster '${input}'; ${listing(ranked)}`, suggestions };
}
