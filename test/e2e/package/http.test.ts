// The INSTALLED package over Streamable HTTP (--port 0, bearer token), driven by the MCP SDK's
// StreamableHTTPClientTransport: the same scenario as stdio, with `list_output = "yaml"`, compared with
// test/golden/http.md. STUBS: exec endpoint (test/stubs/exec-apiserver.ts), Rancher API (test/stubs/rancher-api.ts).
import { randomBytes } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type RunningHttpCli, startHttpCli } from "../../helpers/http-cli.js";
import { installedPackage } from "../../helpers/installed-package.js";
import { registerScenarioChecks } from "./checks.js";
import { type Fixture, makeFixture } from "./fixture.js";
import type { Exchange } from "./golden.js";

const cp = inject("controlplane");
const HTTP_TOKEN = randomBytes(16).toString("hex");

describe("installed package over Streamable HTTP (SDK client, real clusters)", () => {
  let f: Fixture;
  let cli: RunningHttpCli;
  let client: Client;
  const exchanges: Exchange[] = [];

  beforeAll(async () => {
    const [pkg, fixture] = await Promise.all([installedPackage(cp.root), makeFixture(cp, "http", "yaml")]);
    f = fixture;
    f.secrets.push(HTTP_TOKEN);
    cli = await startHttpCli(pkg.bin, ["--config", f.configFile, "--port", "0"], {
      ...f.env,
      K8S_MCP_HTTP_TOKEN: HTTP_TOKEN,
    });
    f.replacements.push([new URL(cli.url).host, "127.0.0.1:<http-port>"]);
    const transport = new StreamableHTTPClientTransport(new URL(cli.url), {
      requestInit: { headers: { authorization: `Bearer ${HTTP_TOKEN}` } },
    });
    client = new Client({ name: "k8s-mcp-package-e2e", version: "1.0.0" });
    await client.connect(transport);
  }, 300_000);
  afterAll(async () => {
    await client?.close().catch(() => {});
    if (cli?.child.exitCode === null) cli.child.kill("SIGKILL");
    await f?.close();
  });

  registerScenarioChecks(
    { client: () => client, fixture: () => f, stderr: () => cli.stderr(), exchanges },
    "http.md",
    [
      "k8s-mcp over Streamable HTTP: golden transcript",
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
});
