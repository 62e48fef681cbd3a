// Decides what a server offers: policy filtering, and the published schemas (public-schema.ts); tool-surface.ts
// answers tools/list and tools/call from that, and every call goes to the one entry (invoke.ts).
import type { McpServer } from "@modelcontextprotocol/server";
import type { Config } from "../config/index.js";
import type { ServerDeps } from "./deps.js";
import { hiddenToolAnswer } from "./hidden-tools.js";
import { isToolEnabled } from "./policy.js";
import { publicInputSchema, publicOutputSchema, publicSchemaKey } from "./public-schema.js";
import type { AnyTool } from "./tool.js";
import { type Schemas, toolSurface } from "./tool-surface.js";

// The schemas a client sees, for tool-surface.ts to list (from the build, or converted once per config).
const publicSchemas: Schemas = {
  build: (tool, config) => ({ input: publicInputSchema(tool, config), output: publicOutputSchema(tool) }),
  key: publicSchemaKey,
};

// With require_cluster, or without a session (stateless HTTP), there is no active cluster to switch.
function isListed(tool: AnyTool, config: Config, stateless: boolean): boolean {
  if ((config.require_cluster || stateless) && tool.kind === "fleet" && tool.sessionOnly) return false;
  return isToolEnabled(tool, config);
}

/**
 * Why: one loop offers every enabled tool the same way; a hidden tool is remembered with the setting that hides
 * it. Returns the names offered. A stateless server's calls share one state key that nothing switches, so
 * `cluster` or default_cluster decides.
 */
export function registerTools(
  server: McpServer,
  tools: readonly AnyTool[],
  deps: ServerDeps,
  stateless = false,
): string[] {
  const surface = toolSurface(server, deps, publicSchemas, stateless ? "stateless" : "stdio");
  const names: string[] = [];
  for (const tool of tools) {
    if (!isListed(tool, deps.config, stateless)) {
      const why = hiddenToolAnswer(tool, deps.config, stateless);
      if (why) surface.hidden.set(tool.name, why);
      continue;
    }
    surface.listed.set(tool.name, tool);
    names.push(tool.name);
  }
  return names;
}
