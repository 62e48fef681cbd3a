// Turns what the agent typed into a known cluster name, or into an actionable "did you mean" error.
import type { ResolveResult } from "./types.js";

const MAX_LISTED = 10;

// Levenshtein distance, used to order suggestions for a mistyped cluster name closest first.
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  let curr: number[] = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    curr[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      curr[j] = Math.min((prev[j] ?? 0) + 1, (curr[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    [prev, curr] = [curr, prev];
  }
  return prev[b.length] ?? 0;
}

type Candidate = { name: string; label: string; folded: number; exact: number };

/** Closest first: case-insensitive distance (so a case-only slip ranks first), then exact distance, then name. */
function rankCandidates(
  input: string,
  known: readonly string[],
  aliases: Readonly<Record<string, string>>,
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
  for (const [alias, target] of Object.entries(aliases)) {
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

// The single place cluster names and aliases are resolved (exact name first, then alias), per design §3.
export function resolveClusterName(
  input: string,
  known: readonly string[],
  aliases: Readonly<Record<string, string>>,
): ResolveResult {
  if (known.includes(input)) return { ok: true, name: input, via: "name" };
  const ranked = rankCandidates(input, known, aliases);
  const suggestions = ranked.slice(0, MAX_LISTED).map((c) => c.name);
  if (Object.hasOwn(aliases, input)) {
    const target = aliases[input];
    if (target !== undefined && known.includes(target)) return { ok: true, name: target, via: "alias" };
    const message =
      `alias '${input}' points to cluster '${target ?? ""}', which is not available ` +
      `(no such cluster, or it is filtered out); ${listing(ranked)}`;
    return { ok: false, message, suggestions };
  }
  return { ok: false, message: `unknown cluster '${input}'; ${listing(ranked)}`, suggestions };
}
