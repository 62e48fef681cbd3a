// README's "Run" for someone who never cloned: `npx --yes ./k8s-mcp-0.1.0.tgz --kubeconfig-dir ...` on the packed
// tarball, exactly as written there, serving a real MCP client over stdio against the real clusters.
import { readdir, readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { describe, expect, inject, it } from "vitest";
import { installedPackage, userEnv } from "../../helpers/installed-package.js";
import { resultText } from "../../helpers/mcp.js";

const cp = inject("controlplane");
const README = new URL("../../../README.md", import.meta.url);

describe("npx from the packed tarball (README: Run)", () => {
  it("README shows this very command", async () => {
    const pkg = await installedPackage(cp.root);
    const readme = await readFile(README, "utf8");
    expect(readme).toContain(`npx --yes ./${basename(pkg.tarball)} --kubeconfig-dir`);
  });

  it("installs as one package: no runtime dependencies, licence texts of everything bundled shipped", async () => {
    const pkg = await installedPackage(cp.root);
    const installed = (await readdir(join(pkg.prefix, "node_modules"))).filter((e) => !e.startsWith("."));
    expect(installed).toEqual(["k8s-mcp"]);
    const manifest = JSON.parse(
      await readFile(join(pkg.prefix, "node_modules", "k8s-mcp", "package.json"), "utf8"),
    ) as { dependencies?: Record<string, string> };
    expect(Object.keys(manifest.dependencies ?? {})).toEqual([]);
    const notices = await readFile(
      join(pkg.prefix, "node_modules", "k8s-mcp", "dist", "THIRD_PARTY_NOTICES.md"),
      "utf8",
    );
    for (const bundled of [
      "@kubernetes/client-node",
      "@modelcontextprotocol/server",
      "zod",
      "yaml",
      "commander",
    ])
      expect(notices).toContain(bundled);
    expect(pkg.tarballBytes).toBeLessThan(5 * 1024 * 1024);
  });

  it("`npx --yes ./k8s-mcp-<version>.tgz --kubeconfig-dir <dir>` installs and serves MCP on stdio", async () => {
    const pkg = await installedPackage(cp.root);
    const transport = new StdioClientTransport({
      command: "npx",
      args: ["--yes", `./${basename(pkg.tarball)}`, "--kubeconfig-dir", cp.kubeconfigDir],
      cwd: dirname(pkg.tarball),
      env: userEnv(),
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    const client = new Client({ name: "k8s-mcp-npx-e2e", version: "1.0.0" });
    const errors: Error[] = [];
    client.onerror = (e) => errors.push(e);
    try {
      // npx installs the tarball's dependencies first: initialize waits for that.
      await client.connect(transport, { timeout: 240_000 });
      const status = (await client.callTool({ name: "clusters_status", arguments: {} })) as CallToolResult;
      expect(resultText(status), stderr).toMatch(/^3\/3 clusters ok/);
      const view = (await client.callTool({
        name: "configuration_view",
        arguments: { cluster: "c1-sv5" },
      })) as CallToolResult;
      expect(view.isError, resultText(view)).toBeFalsy();
      expect(resultText(view)).toContain("token: <redacted>");
    } finally {
      await client.close();
    }
    expect(errors).toEqual([]);
  }, 300_000);
});
