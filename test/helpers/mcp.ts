// Connects a real MCP Client to an in-process server built exactly like the CLI builds it.
import type { CallToolResult, ClientCapabilities } from "@modelcontextprotocol/client";
import { Client, InMemoryTransport } from "@modelcontextprotocol/client";
import { buildDeps, closeDeps, type HostPaths } from "../../src/app.js";
import { type Config, ConfigSchema } from "../../src/config/index.js";
import { createLogger, type Logger } from "../../src/log.js";
import type { CallRecord, ServerDeps } from "../../src/mcp/deps.js";
import { createServer } from "../../src/mcp/server.js";

/** Why: config input as a test writes it (TOML-shaped, defaults filled by the real schema). */
export type ConfigInput = Partial<Record<keyof Config, unknown>>;

/** Why: a connected client plus what tests inspect (deps, logs, audit records) and a cleanup. */
export interface TestServer {
  client: Client;
  deps: ServerDeps;
  logs: string[];
  records: CallRecord[];
  close: () => Promise<void>;
  call: (name: string, args?: Record<string, unknown>) => Promise<CallToolResult>;
  text: (name: string, args?: Record<string, unknown>) => Promise<string>;
  /** The text without its first line, which names the cluster (`cluster c1-sv5 · 3 pods`); asserts it is there. */
  body: (name: string, args?: Record<string, unknown>) => Promise<string>;
}

/** Why: this server's structuredContent is always an object; the wire type says only `{}`. */
// biome-ignore lint/suspicious/noExplicitAny: tests read nested fields of known tool outputs.
export function structured(r: CallToolResult): Record<string, any> {
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  return (r.structuredContent ?? {}) as Record<string, any>;
}

/** Why: the text of a tool result, for assertions. */
export function resultText(r: CallToolResult): string {
  return r.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}

/** Why: assertions on what a cluster-aware text says after its first line, which names the cluster. */
export function bodyText(r: CallToolResult): string {
  const text = resultText(r);
  const nl = text.indexOf("\n");
  const first = nl < 0 ? text : text.slice(0, nl);
  if (!/^(# )?cluster \S+( · .*)?$/.test(first)) throw new Error(`no cluster line: ${JSON.stringify(first)}`);
  return nl < 0 ? "" : text.slice(nl + 1);
}

/** Why: every integration test starts the server the same way, against real clusters. */
export async function startTestServer(
  input: ConfigInput,
  env: Record<string, string | undefined> = {},
  clientCapabilities: ClientCapabilities = {},
  paths: HostPaths = {},
  clientName = "k8s-mcp-test",
): Promise<TestServer> {
  const config = ConfigSchema.parse(input);
  const logs: string[] = [];
  const logger: Logger = createLogger({ level: "debug", write: (l) => logs.push(l) });
  const deps = await buildDeps(config, logger, env, paths);
  const records: CallRecord[] = [];
  const audit = deps.onCall;
  deps.onCall = (r) => {
    records.push(r);
    audit?.(r);
  };
  const server = createServer(deps);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: clientName, version: "1.0.0" }, { capabilities: clientCapabilities });
  await client.connect(clientSide);
  const call = async (name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  return {
    client,
    deps,
    logs,
    records,
    call,
    text: async (name, args) => resultText(await call(name, args)),
    body: async (name, args) => bodyText(await call(name, args)),
    close: async () => {
      await client.close();
      await server.close();
      closeDeps(deps);
    },
  };
}
