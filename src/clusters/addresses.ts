// Cluster addresses: every form a caller may use (name, alias, `<file>/<context>`, a symlink's target name) maps to
// one canonical name, and back (namesOf), so filters and per-cluster policy match every form in one call.
import { matchesAnyGlob } from "./discovery/filter.js";
import type { NameFilter } from "./discovery/registry.js";
import { splitContextAddress } from "./discovery/registry.js";
import { resolveClusterName } from "./discovery/resolve.js";
import type { ClusterIndex, ClusterSource } from "./discovery/types.js";

/** Why: the configuration that decides what exists and what is read-only, as plain values. */
export interface AddressRules {
  aliases: ReadonlyMap<string, string>;
  /** cluster_pattern regexes: every name a file is known by (stem, symlink target) must match each. */
  patterns: readonly string[];
  /** exclude_clusters entries (names or globs). */
  excludes: readonly string[];
  /** read_only_clusters entries (names or globs). */
  readOnly: readonly string[];
}

/** Why: a resolved address, or why it is not one (message and hint, never a hidden cluster's name). */
export type Resolved =
  | { ok: true; canonical: string; source: ClusterSource; context?: string }
  | { ok: false; message: string; hint: string };

// The forms of one cluster: plain names (stems, classic contexts, aliases) and `<file>/<context>` forms.
interface Forms {
  stems: string[];
  plain: string[];
  contexts: string[];
}

// Entries with a `/` name `<file>/<context>` addresses; entries without name clusters. A `<file>/<context>` form is
// matched by entries with a `/` only (so `legacy-*` never hides `c1/legacy-x`); a plain name by every entry.
function matches(forms: Forms, entries: readonly string[]): boolean {
  if (forms.plain.some((n) => matchesAnyGlob(n, [...entries]))) return true;
  const contextEntries = entries.filter((e) => e.includes("/"));
  return forms.contexts.some((n) => matchesAnyGlob(n, contextEntries));
}

function compilePatterns(patterns: readonly string[]): RegExp[] {
  return patterns.map((pattern) => {
    try {
      return new RegExp(pattern);
    } catch (err) {
      const why = err instanceof Error ? err.message : "invalid";
      throw new Error(`invalid cluster_pattern '${pattern}': ${why}`);
    }
  });
}

/** Why: the one resolver for cluster addresses; the registry, fleet selection and policy all ask it. */
export class AddressBook {
  private index: ClusterIndex = { clusters: new Map(), problems: [], hidden: 0 };
  private readonly patterns: RegExp[];

  constructor(private readonly rules: AddressRules) {
    this.patterns = compilePatterns(rules.patterns);
  }

  /** The filter discovery applies to each file or classic context (`also`: a symlink target's name). */
  readonly filter: NameFilter = (name, also = []) => {
    const stems = [name, ...also];
    return this.visibleForms({ stems, plain: this.withAliases(stems), contexts: [] });
  };

  /** Installs a freshly built index (after each directory scan). */
  setIndex(index: ClusterIndex): void {
    this.index = index;
  }

  /** Alias name to target; Map-backed, so `__proto__` or `constructor` are just unknown names. */
  aliasTarget(alias: string): string | undefined {
    return this.rules.aliases.get(alias);
  }

  /** The aliases pointing at a cluster name, sorted. */
  aliasesOf(name: string): string[] {
    return [...this.rules.aliases]
      .filter(([, t]) => t === name)
      .map(([a]) => a)
      .sort();
  }

  /** True when some rule can hide or protect a single `<file>/<context>` (so contexts must be enumerated). */
  hasContextRules(): boolean {
    const slash = (e: string): boolean => e.includes("/");
    return (
      this.rules.excludes.some(slash) ||
      this.rules.readOnly.some(slash) ||
      [...this.rules.aliases.values()].some(slash)
    );
  }

  private withAliases(forms: readonly string[]): string[] {
    const out = new Set(forms);
    for (const [alias, target] of this.rules.aliases) if (out.has(target)) out.add(alias);
    return [...out];
  }

  private forms(canonical: string): Forms {
    const exact = this.index.clusters.get(canonical);
    if (exact?.kind === "classic" || exact?.kind === "in-cluster")
      return { stems: [canonical], plain: this.withAliases([canonical]), contexts: [] };
    const { stem, context } = exact
      ? { stem: canonical, context: undefined }
      : splitContextAddress(canonical);
    const source = this.index.clusters.get(stem);
    const link = source?.kind === "dir" ? source.linkTarget : undefined;
    const stems = link === undefined ? [stem] : [stem, link];
    if (context === undefined) return { stems, plain: this.withAliases(stems), contexts: [] };
    const contexts = stems.map((s) => `${s}/${context}`);
    const all = this.withAliases([...stems, ...contexts]);
    return { stems, plain: all.filter((n) => !contexts.includes(n)), contexts };
  }

  private visibleForms(forms: Forms): boolean {
    for (const stem of forms.stems) for (const re of this.patterns) if (!re.test(stem)) return false;
    return !matches(forms, this.rules.excludes);
  }

  /** Every address form of a canonical name: itself, its file, a symlink target's name, aliases of any of these. */
  namesOf(canonical: string): string[] {
    const f = this.forms(canonical);
    return [...new Set([canonical, ...f.plain, ...f.contexts])];
  }

  /** Whether the filters let this canonical name exist (every form checked). */
  visible(canonical: string): boolean {
    return this.visibleForms(this.forms(canonical));
  }

  /** Whether read_only_clusters names this cluster under any of its forms. */
  readOnlyByName(canonical: string): boolean {
    return matches(this.forms(canonical), this.rules.readOnly);
  }

  /** Visible cluster names (files and classic contexts), sorted. */
  names(): string[] {
    return [...this.index.clusters.keys()];
  }

  /** Name, alias, `<file>/<context>` or `<alias>/<context>` to a canonical name; context existence is the caller's. */
  resolve(input: string): Resolved {
    const name = input.trim();
    const known = this.names();
    const unknown = (message: string): Resolved => ({
      ok: false,
      message,
      hint: "call clusters_list to see every available cluster",
    });
    if (!name) return unknown("cluster name is empty");
    const exact = this.index.clusters.get(name);
    if (exact) return { ok: true, canonical: name, source: exact };
    const target = this.rules.aliases.get(name);
    const aliased = target === undefined ? undefined : this.index.clusters.get(target);
    if (target !== undefined && aliased) return { ok: true, canonical: target, source: aliased }; // incl. `a/b` classic names
    const address = target?.includes("/") ? target : name;
    const { stem, context } = splitContextAddress(address);
    if (context !== undefined && context !== "") {
      const base = resolveClusterName(stem, known, this.rules.aliases);
      const source = base.ok ? this.index.clusters.get(base.name) : undefined;
      if (base.ok && source?.kind === "dir") {
        const canonical = `${base.name}/${context}`;
        if (this.visible(canonical)) return { ok: true, canonical, source, context };
      }
      return unknown(
        `unknown cluster '${name}'${target ? " (an alias of a context that is not available)" : ""}`,
      );
    }
    const r = resolveClusterName(name, known, this.rules.aliases);
    if (!r.ok) return unknown(r.message);
    const source = this.index.clusters.get(r.name);
    if (!source) return unknown(`unknown cluster '${name}'`);
    return { ok: true, canonical: r.name, source };
  }
}
