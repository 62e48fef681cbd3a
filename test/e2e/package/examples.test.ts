// Every host recipe, exactly as the INSTALLED package ships it in examples/ (and README's `claude mcp add` line),
// started by a real MCP client with only the install path and the kubeconfig directory substituted: tools/list and
// a real call on a real cluster. A renamed bin or a changed flag breaks this test, not a user's first hour.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { type InstalledPackage, installedPackage, userEnv } from "../../helpers/installed-package.js";
import { resultText } from "../../helpers/mcp.js";

const cp = inject("controlplane");
const INSTALL_PLACEHOLDER = "/path/to/k8s-mcp";
const DIR_PLACEHOLDER = "/path/to/kubeconfigs";
const README = new URL("../../../README.md", import.meta.url);

/** One server entry as hosts write it: `mcpServers` (Claude, Cursor, Windsurf) or `servers` (VS Code). */
interface HostEntry {
  type?: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
}

function entriesOf(json: unknown): HostEntry[] {
  const doc = json as { mcpServers?: Record<string, HostEntry>; servers?: Record<string, HostEntry> };
  return Object.values(doc.mcpServers ?? doc.servers ?? {});
}

describe("host recipes in examples/, as installed, started as written", () => {
  let pkg: InstalledPackage;
  let root: string;
  let recipes: { file: string; entry: HostEntry }[] = [];
  const sub = (s: string): string =>
    s.replaceAll(INSTALL_PLACEHOLDER, root).replaceAll(DIR_PLACEHOLDER, cp.kubeconfigDir);

  beforeAll(async () => {
    pkg = await installedPackage(cp.root);
    root = join(pkg.prefix, "node_modules", "k8s-mcp");
    const dir = join(root, "examples");
    const files = (await readdir(dir)).filter((f) => f.endsWith(".json")).sort();
    recipes = await Promise.all(
      files.map(async (file) => {
        const entries = entriesOf(JSON.parse(await readFile(join(dir, file), "utf8")));
        expect(entries, file).toHaveLength(1);
        return { file, entry: entries[0] as HostEntry };
      }),
    );
  }, 300_000);

  async function start(entry: HostEntry): Promise<{ client: Client; stderr: () => string }> {
    const env = Object.fromEntries(Object.entries(entry.env ?? {}).map(([k, v]) => [k, sub(v)]));
    const transport = new StdioClientTransport({
      command: sub(entry.command),
      args: entry.args.map(sub),
      env: { ...userEnv(), KUBECONFIG: "", ...env },
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    const client = new Client({ name: "k8s-mcp-examples-e2e", version: "1.0.0" });
    await client.connect(transport);
    return { client, stderr: () => stderr };
  }

  it("ships a recipe for Claude Desktop, Claude Code, Cursor, VS Code, Windsurf and Rancher refresh", () => {
    expect(recipes.map((r) => r.file)).toEqual([
      "claude-code.mcp.json",
      "claude-desktop-rancher.json",
      "claude-desktop.json",
      "cursor-mcp.json",
      "vscode-mcp.json",
      "windsurf-mcp_config.json",
    ]);
    for (const { file, entry } of recipes) {
      expect(entry.args[0], file).toBe(`${INSTALL_PLACEHOLDER}/dist/cli.cjs`);
      expect(entry.args, `${file} starts read-only`).toContain("--read-only");
    }
  });

  it("each recipe serves tools/list and answers a real call on a real cluster, naming it", async () => {
    for (const { file, entry } of recipes) {
      const { client, stderr } = await start(entry);
      try {
        const { tools } = await client.listTools();
        const names = tools.map((t) => t.name);
        expect(names, file).toContain("namespaces_list");
        expect(names, `${file} is read-only`).not.toContain("pods_delete");
        const ns = (await client.callTool({
          name: "namespaces_list",
          arguments: { cluster: "c1-sv5" },
        })) as CallToolResult;
        expect(ns.isError, `${file}: ${resultText(ns)}\n${stderr()}`).toBeFalsy();
        expect(resultText(ns), file).toMatch(/^cluster c1-sv5 · \d+ namespaces\n/);
        expect(resultText(ns), file).toContain("kube-system");
        if (entry.env?.RANCHER_URL) {
          const status = (await client.callTool({ name: "nsk_status", arguments: {} })) as CallToolResult;
          expect(resultText(status), file).toContain(`directory: ${cp.kubeconfigDir}`);
          expect(resultText(status), file).toContain("auto-refresh: every 1h");
          expect(resultText(status), file).not.toContain("replace-with-your-rancher-api-token");
        }
      } finally {
        await client.close();
      }
    }
  }, 120_000);

  it("README's `claude mcp add` line starts the same server", async () => {
    const readme = await readFile(README, "utf8");
    const line = readme.split("\n").find((l) => l.startsWith("claude mcp add "));
    expect(line).toBeDefined();
    const [command, ...args] = (line?.split(" -- ")[1] ?? "").trim().split(/\s+/);
    const { client } = await start({ command: command ?? "", args });
    try {
      const res = (await client.callTool({ name: "clusters_status", arguments: {} })) as CallToolResult;
      expect(resultText(res)).toMatch(/^3\/3 clusters ok/);
      const hidden = (await client.callTool({
        name: "pods_delete",
        arguments: { name: "x", namespace: "default" },
      })) as CallToolResult;
      expect(hidden.isError).toBe(true);
      expect(resultText(hidden)).toMatch(/pods_delete is not available .*read_only \(--read-only\)/);
    } finally {
      await client.close();
    }
  }, 60_000);
});
