// Lists the kubeconfig directory: names, sizes and mtimes only, never file contents.
import { accessSync, constants, type Dirent, type Stats, statSync } from "node:fs";
import { basename, join } from "node:path";
import { readdir, realpath } from "../../util/fs-async.js";
import { errorCode } from "../../util/net-errors.js";
import type { DirEntry, SkippedFile } from "./types.js";

// The extensions a kubeconfig file may carry, in the order that wins when two files share a stem.
export const KUBECONFIG_EXTENSIONS: readonly string[] = [".yaml", ".yml", ".kubeconfig"];

// Dotfiles (the server's own state files), temp files and editor backups: never clusters, never reported.
function isHousekeeping(fileName: string): boolean {
  return fileName.startsWith(".") || fileName.endsWith(".tmp") || fileName.endsWith("~");
}

// Splits a file name into cluster stem and extension, or returns undefined if it is not a kubeconfig candidate.
export function kubeconfigStem(fileName: string): { stem: string; ext: string } | undefined {
  if (isHousekeeping(fileName)) return undefined;
  for (const ext of KUBECONFIG_EXTENSIONS) {
    if (fileName.length > ext.length && fileName.endsWith(ext)) {
      return { stem: fileName.slice(0, -ext.length), ext };
    }
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

// Whether this process may read a file: decided from the stat already made when it owns the file (the common
// case: kubeconfigs are 0600 files of the user), by an access() call otherwise.
function readable(path: string, st: Stats, uid: number | undefined): boolean {
  if (uid === 0) return true;
  if (uid !== undefined && st.uid === uid) return (st.mode & 0o400) !== 0;
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

const EXTENSIONS_TEXT = ".yaml, .yml or .kubeconfig";

/**
 * Finds the per-cluster kubeconfig files of a directory quickly (startup and auto-discovery rescans). Entries
 * that look meant for it but cannot be a cluster (no kubeconfig extension, a directory, unreadable, a dangling
 * symlink) are pushed to `skipped` when given, each with what to do about it.
 */
export async function scanKubeconfigDir(dir: string, skipped?: SkippedFile[]): Promise<DirEntry[]> {
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
    throw new Error(`kubeconfig directory ${dir} cannot be read (${code || "unknown error"})`);
  }
  const out: DirEntry[] = [];
  const uid = process.getuid?.();
  const skip = (file: string, reason: string, fix: string): void => {
    skipped?.push({ file, reason, fix });
  };
  for (const dirent of names) {
    if (isHousekeeping(dirent.name)) continue;
    const path = join(dir, dirent.name);
    if (dirent.isDirectory()) {
      skip(path, "is a directory (subdirectories are not read)", `pass it with --kubeconfig-dir ${path}`);
      continue;
    }
    if (!dirent.isFile() && !dirent.isSymbolicLink()) continue;
    const parts = kubeconfigStem(dirent.name);
    if (parts === undefined) {
      skip(
        path,
        `has no ${EXTENSIONS_TEXT} extension`,
        `rename it to ${dirent.name}.yaml to make it a cluster, or pass the single file with --kubeconfig ${path}`,
      );
      continue;
    }
    // Synchronous stat on purpose: for a local directory each call takes microseconds, while going through
    // the libuv thread pool for a thousand files costs several times more. It also follows symlinks.
    let st: Stats | undefined;
    try {
      st = statSync(path, { throwIfNoEntry: false });
    } catch {
      continue; // vanished between readdir and stat: not a candidate
    }
    if (st === undefined) {
      skip(path, "is a symlink to a missing file", "fix or remove the link");
      continue;
    }
    if (!st.isFile()) {
      if (st.isDirectory())
        skip(path, "links to a directory", `pass the directory with --kubeconfig-dir ${path}`);
      continue;
    }
    if (!readable(path, st, uid)) {
      skip(
        path,
        "cannot be read (permission denied)",
        `let the user running k8s-mcp read it (chmod 600 ${path})`,
      );
      continue;
    }
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
