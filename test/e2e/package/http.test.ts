// The INSTALLED package over Streamable HTTP (--port 0, bearer token), driven by the MCP SDK's
// StreamableHTTPClientTransport: the same scenario as stdio, with `list_output = "yaml"`, compared with
// test/golden/http.md. STUBS: exec endpoint (test/stubs/exec-apiserver.ts), Rancher API (test/stubs/rancher-api.ts).
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type RunningHttpCli, startHttpCli } from "../../helpers/http-cli.js";
import { installedPackage } from "../../helpers/installed-package.js";
import { registerScenarioChecks } from "./checks.js";
import { type Fixture, makeFixture } from "./fixture.js";
import type { Exchange } from "./golden.js";

const cp = inject("controlplane");
const HTTP_TOKEN = randomBytes(16).toString("hex");

const ERAS = [
  {
    era: "2025-11-25 (initialize, sessions)",
    mode: "legacy" as const,
    legacy: "sessions",
    run: "http" as const,
    golden: "http.md",
  },
  {
    era: "2025-11-25 (initialize, stateless)",
    mode: "legacy" as const,
    legacy: "stateless",
    run: "http-stateless" as const,
    golden: "http-stateless.md",
  },
  {
    era: "2026-07-28 (server/discover)",
    mode: { pin: "2026-07-28" },
    legacy: "sessions",
    run: "http-modern" as const,
    golden: "http-modern.md",
  },
];

describe.each(ERAS)(
  "installed package over Streamable HTTP, $era (SDK v2 client, real clusters)",
  ({ era, mode, legacy, run, golden }) => {
    let f: Fixture;
    let cli: RunningHttpCli;
    let client: Client;
    const exchanges: Exchange[] = [];

    beforeAll(async () => {
      const [pkg, fixture] = await Promise.all([installedPackage(cp.root), makeFixture(cp, run, "yaml")]);
      f = fixture;
      f.secrets.push(HTTP_TOKEN);
      // A top-level key: it goes before the file's [nsk] table.
      await writeFile(f.configFile, `http_legacy = "${legacy}"\n${await readFile(f.configFile, "utf8")}`);
      cli = await startHttpCli(pkg.bin, ["--config", f.configFile, "--port", "0"], {
        ...f.env,
        K8S_MCP_HTTP_TOKEN: HTTP_TOKEN,
      });
      f.replacements.push([new URL(cli.url).host, "127.0.0.1:<http-port>"]);
      const transport = new StreamableHTTPClientTransport(new URL(cli.url), {
        requestInit: { headers: { authorization: `Bearer ${HTTP_TOKEN}` } },
      });
      client = new Client(
        { name: "k8s-mcp-package-e2e", version: "1.0.0" },
        { versionNegotiation: { mode } },
      );
      await client.connect(transport);
      expect(client.getNegotiatedProtocolVersion()).toBe(era.slice(0, 10));
      // Sessions only for 2025-era clients in sessions mode; nothing is keyed on a session id otherwise.
      expect(transport.sessionId !== undefined).toBe(run === "http");
    }, 300_000);
    afterAll(async () => {
      await client?.close().catch(() => {});
      if (cli?.child.exitCode === null) cli.child.kill("SIGKILL");
      await f?.close();
    });

    registerScenarioChecks(
      { client: () => client, fixture: () => f, stderr: () => cli.stderr(), exchanges },
      golden,
      [
        `k8s-mcp over Streamable HTTP, protocol ${era}: golden transcript`,
        "The installed package (`npm pack`, `npm install --omit=dev`) serving `--port 0` with a bearer token, driven by",
        'the MCP TypeScript SDK against the harness\'s real clusters; `list_output = "yaml"`; Rancher through the',
        "Rancher API STUB.",
      ],
    );

    it("wrote nothing on stdout and exits 0 on SIGTERM", async () => {
      expect(exchanges.length).toBeGreaterThan(0);
      cli.child.kill("SIGTERM");
      expect(await cli.exit).toBe(0);
      expect(cli.stdout()).toBe("");
    });
  },
);
