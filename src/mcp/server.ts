// createServer(deps): an McpServer with every enabled tool registered. No I/O here.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { allTools } from "../tools/index.js";
import { VERSION } from "../version.js";
import type { ServerDeps } from "./deps.js";
import { serverInstructions } from "./instructions.js";
import { registerTools } from "./register.js";

/** Why: tests connect a real MCP Client to this in-process; the CLI connects it to a transport. */
export function createServer(deps: ServerDeps): McpServer {
  const server = new McpServer(
    { name: "k8s-mcp", title: "Kubernetes fleet", version: VERSION },
    { instructions: serverInstructions(deps), capabilities: { logging: {} } },
  );
  registerTools(server, allTools(deps), deps);
  return server;
}
