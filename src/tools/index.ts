// The one list of tool groups. Adding a group means adding one line here.
import type { ServerDeps } from "../mcp/deps.js";
import type { AnyTool } from "../mcp/tool.js";
import { clusterTools } from "./clusters.js";
import { configurationTools } from "./configuration.js";
import { namespaceTools } from "./namespaces.js";
import { resourceTools } from "./resources.js";

/** Why: createServer registers exactly these; policy filtering happens at registration. */
export function allTools(_deps: ServerDeps): AnyTool[] {
  return [...clusterTools(), ...namespaceTools(), ...resourceTools(), ...configurationTools()];
}
