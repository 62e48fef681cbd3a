// Builds hostile kubeconfig directories for isolation tests: copies, symlinks, hard links and contexts that point
// at another file's API server, all against the real test clusters.
import { copyFile, link, mkdtemp, readFile, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import type { TestCluster } from "../../harness/controlplane.js";
import type { TestServer } from "../../helpers/mcp.js";
import { resultText } from "../../helpers/mcp.js";

type Entry = Record<string, unknown>;
type Doc = Entry & { clusters: Entry[]; users: Entry[]; contexts: Entry[] };

/** Why: a fresh directory for one describe block. */
export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `k8s-mcp-${prefix}-`));
}

/** Why: the real cluster's kubeconfig as data, to build variants of it. */
export async function kubeconfigOf(c: TestCluster): Promise<Doc> {
  return parse(await readFile(c.kubeconfig, "utf8")) as Doc;
}

/**
 * Why: a file whose current context talks to `current` and which has further contexts, each talking to another
 * real cluster (with that cluster's own credentials), so a context can be aimed at any server.
 */
export async function writeMulti(
  path: string,
  current: TestCluster,
  others: Record<string, TestCluster | string>,
): Promise<void> {
  const base = await kubeconfigOf(current);
  const doc: Doc = {
    ...base,
    clusters: [...base.clusters],
    users: [...base.users],
    contexts: [...base.contexts],
  };
  for (const [name, target] of Object.entries(others)) {
    if (typeof target === "string") {
      doc.clusters.push({ name, cluster: { server: target, "insecure-skip-tls-verify": true } });
      doc.users.push({ name, user: { token: "unused" } });
    } else {
      const t = await kubeconfigOf(target);
      doc.clusters.push({ ...t.clusters[0], name });
      doc.users.push({ ...t.users[0], name });
    }
    doc.contexts.push({ name, context: { cluster: name, user: name } });
  }
  await writeFile(path, stringify(doc), { mode: 0o600 });
}

/** Why: the three kinds of second name a file can have. */
export async function aliasFile(
  kind: "copy" | "symlink" | "hardlink",
  target: string,
  path: string,
): Promise<void> {
  if (kind === "copy") await copyFile(target, path);
  else if (kind === "symlink") await symlink(target, path);
  else await link(target, path);
}

/** Why: everything a result exposes (text and structured), to grep for what must never appear. */
export function everything(r: Awaited<ReturnType<TestServer["call"]>>): string {
  return `${resultText(r)}\n${JSON.stringify(r.structuredContent ?? {})}`;
}
