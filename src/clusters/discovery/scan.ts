// Lists the kubeconfig directory: names, sizes and mtimes only, never file contents.
import { type Dirent, type Stats, statSync } from "node:fs";
import { basename, join } from "node:path";
import { readdir, realpath } from "../../util/fs-async.js";
import type { DirEntry } from "./types.js";

// The extensions a kubeconfig file may carry, in the order that wins when two files share a stem.
export const KUBECONFIG_EXTENSIONS: readonly string[] = [".yaml", ".yml", ".kubeconfig"];

// Splits a file name into cluster stem and extension, or returns undefined if it is not a kubeconfig candidate.
export function kubeconfigStem(fileName: string): { stem: string; ext: string } | undefined {
  if (fileName.startsWith(".") || fileName.endsWith(".tmp") || fileName.endsWith("~")) return undefined;
  for (const ext of KUBECONFIG_EXTENSIONS) {
    if (fileName.length > ext.length && fileName.endsWith(ext)) {
      return { stem: fileName.slice(0, -ext.length), ext };
    }
  }
  return undefined;
}

function errorCode(err: unknown): string | undefined {
  if (typeof err === "object" && err !== null && "code" in err && typeof err.code === "string") {
    return err.code;
  }
  return undefined;
}

// The cluster name a symlink's final target carries (its stem, or its whole file name when it has no kubeconfig
// extension); undefined only when the target vanished meanwhile.
async function linkTargetName(path: string): Promise<string | undefined> {
  try {
    const name = basename(await realpath(path));
    return kubeconfigStem(name)?.stem ?? name;
  } catch {
    return undefined;
  }
}

// Finds the per-cluster kubeconfig files of a directory quickly (startup and auto-discovery rescans).
export async function scanKubeconfigDir(dir: string): Promise<DirEntry[]> {
  let names: Dirent[];
  try {
    names = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = errorCode(err);
    if (code === "ENOENT") throw new Error(`kubeconfig directory ${dir} does not exist`);
    if (code === "ENOTDIR") throw new Error(`kubeconfig directory ${dir} is not a directory`);
    if (code === "EACCES" || code === "EPERM") {
      throw new Error(`kubeconfig directory ${dir} is not readable (permission denied)`);
    }
    throw new Error(`kubeconfig directory ${dir} cannot be read (${code ?? "unknown error"})`);
  }
  const out: DirEntry[] = [];
  for (const dirent of names) {
    if (dirent.isDirectory()) continue;
    if (!dirent.isFile() && !dirent.isSymbolicLink()) continue;
    const parts = kubeconfigStem(dirent.name);
    if (parts === undefined) continue;
    const path = join(dir, dirent.name);
    // Synchronous stat on purpose: for a local directory each call takes microseconds, while going through
    // the libuv thread pool for a thousand files costs several times more. It also follows symlinks.
    let st: Stats | undefined;
    try {
      st = statSync(path, { throwIfNoEntry: false });
    } catch {
      continue; // vanished or unreadable between readdir and stat: not a candidate
    }
    if (st === undefined || !st.isFile()) continue; // dangling symlink or link to a non-file
    const entry: DirEntry = {
      stem: parts.stem,
      path,
      mtimeMs: st.mtimeMs,
      size: st.size,
      fileId: `${st.dev}:${st.ino}`,
    };
    // A symlink is the cluster its target names: isolation applies to the target's name too.
    if (dirent.isSymbolicLink()) entry.linkTarget = await linkTargetName(path);
    out.push(entry);
  }
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out;
}
