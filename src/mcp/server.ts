// createServer(deps): an McpServer with every enabled tool, the prompts and the resources registered. No I/O here.
import { McpServer } from "@modelcontextprotocol/server";
import { allTools } from "../tools/index.js";
import { VERSION } from "../version.js";
import { createCompleters } from "./completion.js";
import type { ServerDeps } from "./deps.js";
import { serverInstructions } from "./instructions.js";
import { registerPrompts } from "./prompts.js";
import { registerTools } from "./register.js";
import { registerResources } from "./resources.js";

/** Why: a server that answers one request of a stateless HTTP lane keeps no per-client state. */
export interface ServerOptions {
  /** No session: tools that only change session state (clusters_switch) are not offered. */
  stateless?: boolean;
}

/** Why: tests connect a real MCP Client to this in-process; the CLI connects it to a transport. */
export function createServer(deps: ServerDeps, options: ServerOptions = {}): McpServer {
  const server = new McpServer(
    { name: "k8s-mcp", title: "Kubernetes fleet", version: VERSION },
    { instructions: serverInstructions(deps), capabilities: { logging: {} } },
  );
  const tools = allTools(deps.config, deps.rancher !== undefined);
  const stateless = options.stateless === true;
  registerTools(server, tools, deps, stateless);
  // One McpServer serves one session (stdio, one HTTP session, or one stateless request): its transport names it.
  const complete = createCompleters(
    deps,
    tools,
    () => server.server.transport?.sessionId ?? (stateless ? "stateless" : "stdio"),
  );
  registerPrompts(server, complete);
  registerResources(server, tools, deps, complete);
  return server;
}
