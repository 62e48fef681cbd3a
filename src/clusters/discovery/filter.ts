// Decides which cluster names exist at all (cluster_pattern / exclude_clusters): the isolation boundary.
import { escapeRegExp } from "../../util/text.js";

/** Whole-name glob: `*` any run of characters (including none), `?` exactly one; the rest is literal. */
function globToRegex(glob: string): RegExp {
  let source = "";
  for (const ch of glob) {
    if (ch === "*") source += "[\\s\\S]*";
    else if (ch === "?") source += "[\\s\\S]";
    else source += escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`, "u");
}

// Matches a name against exact names or globs; shared by exclude_clusters and read_only_clusters.
export function matchesAnyGlob(name: string, globs: string[]): boolean {
  for (const glob of globs) {
    if (!glob.includes("*") && !glob.includes("?")) {
      if (glob === name) return true;
    } else if (globToRegex(glob).test(name)) {
      return true;
    }
  }
  return false;
}

// Builds the predicate once from config so it can be applied to every discovered name cheaply.
export function compileClusterFilter(opts: {
  patterns: string[];
  excludes: string[];
}): (name: string) => boolean {
  // Patterns are searched anywhere in the name (like Go's MatchString); users anchor them with ^ and $.
  const regexes = opts.patterns.map((pattern) => {
    try {
      return new RegExp(pattern);
    } catch (err) {
      const why = err instanceof Error ? err.message : "invalid";
      throw new Error(`invalid cluster_pattern '${pattern}': ${why}`);
    }
  });
  const exact = new Set<string>();
  const globs: RegExp[] = [];
  for (const glob of opts.excludes) {
    if (glob.includes("*") || glob.includes("?")) globs.push(globToRegex(glob));
    else exact.add(glob);
  }
  return (name: string): boolean => {
    for (const re of regexes) if (!re.test(name)) return false;
    if (exact.has(name)) return false;
    for (const re of globs) if (re.test(name)) return false;
    return true;
  };
}
