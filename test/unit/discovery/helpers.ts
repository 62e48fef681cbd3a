// Test helpers: real temp directories holding small but real kubeconfig files with fake credentials.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

// A recognisable fake credential, so tests can assert it never leaks into messages.
export const FAKE_TOKEN = "kubeconfig-u-fake:SECRETTOKEN0123456789abcdef";

// Describes one context of a generated kubeconfig.
export type CtxSpec = { name: string; cluster?: string; user?: string; namespace?: string };

// Writes kubeconfig YAML the way Rancher does: one cluster/user per context, token auth.
export function kubeconfigYaml(opts: { current?: string; contexts: CtxSpec[]; token?: string }): string {
  const token = opts.token ?? FAKE_TOKEN;
  const lines: string[] = ["apiVersion: v1", "kind: Config", "clusters:"];
  for (const c of opts.contexts) {
    lines.push(
      `- name: ${c.cluster ?? c.name}`,
      "  cluster:",
      `    server: https://${c.name}.example.test:6443`,
    );
  }
  lines.push("users:");
  for (const c of opts.contexts) {
    lines.push(`- name: ${c.user ?? `${c.name}-user`}`, "  user:", `    token: ${token}`);
  }
  lines.push("contexts:");
  for (const c of opts.contexts) {
    lines.push(`- name: ${c.name}`, "  context:", `    cluster: ${c.cluster ?? c.name}`);
    lines.push(`    user: ${c.user ?? `${c.name}-user`}`);
    if (c.namespace !== undefined) lines.push(`    namespace: ${c.namespace}`);
  }
  if (opts.current !== undefined) lines.push(`current-context: ${opts.current}`);
  return `${lines.join("\n")}\n`;
}

// Creates a fresh temp directory; the returned cleanup removes it.
export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-discovery-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

// Writes a file into a directory and returns its full path.
export async function put(dir: string, name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text, { mode: 0o600 });
  return path;
}
