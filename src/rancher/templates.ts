// Argument templates for the nsk CLI: placeholders and optional groups, expanded without any shell.
import { escapeRegExp } from "../util/text.js";

/** Why: NSK's command line is not public, so users may rewrite it; these are the values they can use. */
export interface TemplateValues {
  config_dir: string;
  profile?: string;
  cluster_pattern?: string;
  rancher_url?: string;
}

/** Why: the documented default refresh command (`[...]` groups vanish when their value is empty). */
export const DEFAULT_REFRESH_ARGS: readonly string[] = [
  "cluster",
  "kubeconfig",
  "--confdir",
  "{config_dir}",
  "[--profile {profile}]",
  "[--name-pattern {cluster_pattern}]",
];

/** Why: the documented default listing command. */
export const DEFAULT_LIST_ARGS: readonly string[] = ["cluster", "list"];

const KNOWN: readonly string[] = ["config_dir", "profile", "cluster_pattern", "pattern", "rancher_url"];
const PLACEHOLDER = /\{([a-z_]+)\}/g;

function lookup(values: TemplateValues, key: string): string | undefined {
  if (key === "pattern") return values.cluster_pattern;
  return (values as unknown as Record<string, string | undefined>)[key];
}

/** Why: typos in refresh_args/list_args must fail at startup, naming the bad placeholder. */
export function templateProblems(args: readonly string[], setting: string): string[] {
  const problems: string[] = [];
  for (const arg of args) {
    for (const m of arg.matchAll(PLACEHOLDER)) {
      const key = m[1] ?? "";
      if (!KNOWN.includes(key)) {
        problems.push(
          `${setting}: unknown placeholder {${key}}; known: ${KNOWN.map((k) => `{${k}}`).join(", ")}`,
        );
      }
    }
    if (arg.startsWith("[") !== arg.endsWith("]")) {
      problems.push(`${setting}: optional group "${arg}" must start with "[" and end with "]"`);
    }
  }
  return problems;
}

function substitute(text: string, values: TemplateValues): { text: string; missing: string[] } {
  const missing: string[] = [];
  const out = text.replace(PLACEHOLDER, (_all, key: string) => {
    const v = lookup(values, key);
    if (v === undefined || v === "") missing.push(key);
    return v ?? "";
  });
  return { text: out, missing };
}

/**
 * Why: turns a template into argv. A plain element with an empty placeholder is an error (the command would be
 * wrong); an element "[--flag {x}]" is split on spaces and dropped entirely when any placeholder in it is empty.
 * Values are substituted after splitting, so a value with spaces stays one argument.
 */
export function expandArgs(template: readonly string[], values: TemplateValues): string[] {
  const argv: string[] = [];
  for (const element of template) {
    if (element.startsWith("[") && element.endsWith("]")) {
      const words = element.slice(1, -1).trim().split(/\s+/).filter(Boolean);
      const expanded = words.map((w) => substitute(w, values));
      if (expanded.some((e) => e.missing.length > 0)) continue;
      argv.push(...expanded.map((e) => e.text));
      continue;
    }
    const { text, missing } = substitute(element, values);
    if (missing.length > 0) {
      throw new Error(
        `nsk argument "${element}" needs ${missing.map((m) => `{${m}}`).join(", ")}, which is not set; set it or wrap the argument in [ ] to make it optional`,
      );
    }
    argv.push(text);
  }
  return argv;
}

/** Why: restricts an NSK run to exact cluster names through its --name-pattern (RE2 and JS agree on this). */
export function exactNamesPattern(names: readonly string[]): string {
  return `^(${names.map(escapeRegExp).join("|")})$`;
}
