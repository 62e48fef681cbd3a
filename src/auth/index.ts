// Builds the resource server from the server's dependencies; undefined when [oauth] is not configured.
import type { ServerDeps } from "../mcp/deps.js";
import { allTools } from "../tools/index.js";
import { ResourceServer } from "./resource-server.js";
import { scopeNeeded } from "./scopes.js";

/** Why: the transport's one line of set-up for OAuth; tool scopes come from the same tool list as registration. */
export function createResourceServer(deps: ServerDeps, mcpPath: string): ResourceServer | undefined {
  const { oauth } = deps.config;
  if (!oauth) return undefined;
  const tools = allTools(deps.config, deps.rancher !== undefined);
  const byName = new Map(tools.map((t) => [t.name, t]));
  return new ResourceServer({
    oauth,
    perMinute: deps.config.http_user_rate_limit,
    logger: deps.logger,
    mcpPath,
    scopeFor: (name, args) => {
      const tool = byName.get(name);
      return tool ? scopeNeeded(tool, args, tools, oauth) : undefined;
    },
  });
}
