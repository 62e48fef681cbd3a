// The INSTALLED package (npm pack + npm install --omit=dev) over stdio, driven by the MCP SDK's own
// StdioClientTransport: every listed tool on real clusters, the transcript compared with test/golden/stdio.md.
// STUBS: exec endpoint (test/stubs/exec-apiserver.ts), nsk CLI (test/stubs/fake-nsk); pod logs and metrics come
// from the harness's kubelet stub and metrics CRDs behind the real apiservers.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { waitUntil } from "../../helpers/cluster-api.js";
import { type InstalledPackage, installedPackage } from "../../helpers/installed-package.js";
import { registerScenarioChecks } from "./checks.js";
import { type Fixture, makeFixture } from "./fixture.js";
import type { Exchange } from "./golden.js";

const cp = inject("controlplane");
const TEE = fileURLToPath(new URL("./tee-stdout.mjs", import.meta.url));

// The SDK's base StdioClientTransport probes the era on a sibling process; a subclass probes on its own
// connection, so the one process (and its tee) sees the whole exchange.
class InPlaceStdioTransport extends StdioClientTransport {}

const ERAS = [
  { era: "2025-11-25 (initialize)", mode: "legacy" as const, run: "stdio" as const, golden: "stdio.md" },
  {
    era: "2026-07-28 (server/discover)",
    mode: { pin: "2026-07-28" },
    run: "stdio-modern" as const,
    golden: "stdio-modern.md",
  },
];

describe.each(ERAS)(
  "installed package over stdio, $era (SDK v2 client, real clusters)",
  ({ era, mode, run, golden }) => {
    let pkg: InstalledPackage;
    let f: Fixture;
    let client: Client;
    let stderr = "";
    let rawFile: string;
    const transportErrors: Error[] = [];
    const exchanges: Exchange[] = [];

    beforeAll(async () => {
      [pkg, f] = await Promise.all([installedPackage(cp.root), makeFixture(cp, run, "table")]);
      rawFile = join(f.home, "..", `stdout-${run}.jsonl`);
      // The installed bin itself (its shebang picks the `node` on PATH), behind a tee that copies its stdout.
      const transport = new InPlaceStdioTransport({
        command: process.execPath,
        args: [TEE, rawFile, pkg.bin, "--config", f.configFile],
        env: f.env,
        cwd: f.home,
        stderr: "pipe",
      });
      transport.stderr?.on("data", (c: Buffer) => {
        stderr += c.toString("utf8");
      });
      client = new Client(
        { name: "k8s-mcp-package-e2e", version: "1.0.0" },
        { versionNegotiation: { mode } },
      );
      client.onerror = (e) => transportErrors.push(e);
      await client.connect(transport);
      expect(client.getNegotiatedProtocolVersion()).toBe(era.slice(0, 10));
    }, 300_000);
    afterAll(async () => {
      await client?.close();
      await f?.close();
    });

    it("runs the bin npm installed into the empty prefix, without dev dependencies", () => {
      expect(pkg.bin.startsWith(pkg.prefix)).toBe(true);
      expect(existsSync(join(pkg.prefix, "node_modules", "k8s-mcp", "dist", "cli.cjs"))).toBe(true);
      expect(existsSync(join(pkg.prefix, "node_modules", "vitest"))).toBe(false);
      process.stderr.write(
        `[package] ${pkg.tarballBytes} byte tarball; npm install --omit=dev: ${pkg.installMs} ms\n`,
      );
    });

    registerScenarioChecks(
      { client: () => client, fixture: () => f, stderr: () => stderr, exchanges },
      golden,
      [
        `k8s-mcp over stdio, protocol ${era}: golden transcript`,
        "The installed package (`npm pack`, `npm install --omit=dev`) driven by the MCP TypeScript SDK over stdio,",
        'against the harness\'s real clusters; `list_output = "table"`; Rancher through the nsk CLI STUB.',
      ],
    );

    it("wrote nothing but JSON-RPC 2.0 on stdout, and exits 0 when the client closes stdin", async () => {
      expect(exchanges.length).toBeGreaterThan(0);
      await client.close();
      const exitFile = `${rawFile}.exit`;
      await waitUntil("the server to exit", async () => existsSync(exitFile), 10_000);
      expect(JSON.parse(await readFile(exitFile, "utf8"))).toEqual({ code: 0, signal: null });
      expect(transportErrors).toEqual([]);
      const lines = (await readFile(rawFile, "utf8")).split("\n");
      expect(lines.pop()).toBe(""); // every message ends with a newline
      expect(lines.length).toBeGreaterThanOrEqual(exchanges.length + 2); // initialize, tools/list, each call
      for (const line of lines) {
        const msg = JSON.parse(line) as { jsonrpc?: string; id?: unknown; method?: unknown };
        expect(msg.jsonrpc, line).toBe("2.0");
        expect(msg.id !== undefined || typeof msg.method === "string", line).toBe(true);
      }
    });
  },
);
