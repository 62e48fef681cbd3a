// What the kubeconfig directory holds right now: one entry per cluster, with content for diffing and restore.
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { KUBECONFIG_EXTENSIONS, parseKubeconfig, scanKubeconfigDir } from "../clusters/discovery/index.js";

/** Why: refresh compares before/after and restores a file NSK broke; it needs the previous content. */
export interface LocalFile {
  name: string;
  path: string;
  mtimeMs: number;
  content: string;
}

function extRank(path: string): number {
  const i = KUBECONFIG_EXTENSIONS.findIndex((ext) => path.endsWith(ext));
  return i < 0 ? KUBECONFIG_EXTENSIONS.length : i;
}

/** Why: a snapshot keyed by cluster name; when a stem has several extensions the scan's preferred one wins. */
export async function readLocalFiles(dir: string): Promise<Map<string, LocalFile>> {
  const entries = await scanKubeconfigDir(dir);
  const out = new Map<string, LocalFile>();
  for (const e of entries) {
    const prev = out.get(e.stem);
    if (prev && extRank(prev.path) <= extRank(e.path)) continue;
    const content = await readFile(e.path, "utf8").catch(() => undefined);
    if (content === undefined) continue;
    out.set(e.stem, { name: e.stem, path: e.path, mtimeMs: e.mtimeMs, content });
  }
  return out;
}

/** Why: a file that does not parse is never fresh and never kept over a previous good one. */
export function isValidKubeconfig(text: string, source: string): boolean {
  try {
    parseKubeconfig(text, source);
    return true;
  } catch {
    return false;
  }
}

/** Why: cluster names become file names; anything that could escape the directory or hide is refused. */
export function isSafeClusterName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(name) && !name.endsWith(".tmp");
}

/**
 * Why: Rancher with kubeconfig-generate-token=false hands out kubeconfigs whose credentials come from an exec
 * plugin (`rancher token ...`); they only work where that command exists, so the refresh report says so.
 */
export function execPluginNote(text: string): string | undefined {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return undefined;
  }
  const users = (doc as { users?: Array<{ user?: { exec?: { command?: unknown } } }> } | null)?.users;
  if (!Array.isArray(users)) return undefined;
  for (const u of users) {
    const command = u?.user?.exec?.command;
    if (typeof command === "string") {
      return `credentials come from the exec plugin '${command}' (Rancher kubeconfig-generate-token=false); it must be installed and logged in where this server runs`;
    }
  }
  return undefined;
}
