// createServer(deps): an McpServer with every enabled tool, the prompts and the resources registered. No I/O here.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { allTools } from "../tools/index.js";
import { VERSION } from "../version.js";
import { createCompleters } from "./completion.js";
import type { ServerDeps } from "./deps.js";
import { serverInstructions } from "./instructions.js";
import { registerPrompts } from "./prompts.js";
import { registerTools } from "./register.js";
import { registerResources } from "./resources.js";

/** Why: tests connect a real MCP Client to this in-process; the CLI connects it to a transport. */
export function createServer(deps: ServerDeps): McpServer {
  const server = new McpServer(
    { name: "k8s-mcp", title: "Kubernetes fleet", version: VERSION },
    { instructions: serverInstructions(deps), capabilities: { logging: {} } },
  );
  const tools = allTools(deps.config, deps.rancher !== undefined);
  registerTools(server, tools, deps);
  // One McpServer serves one session (stdio, or one HTTP session): its transport names the caller's session.
  const complete = createCompleters(deps, tools, () => server.server.transport?.sessionId ?? "stdio");
  registerPrompts(server, complete);
  registerResources(server, tools, deps, complete);
  return server;
}
