// The one list of tool groups. Adding a group means adding one line here.
import type { ServerDeps } from "../mcp/deps.js";
import type { AnyTool } from "../mcp/tool.js";
import { clusterTools } from "./clusters.js";
import { compareTools } from "./compare.js";
import { configurationTools } from "./configuration.js";
import { execAllTool } from "./exec-all.js";
import { namespaceTools } from "./namespaces.js";
import { nskTools } from "./nsk.js";
import { podTools } from "./pods.js";
import { execTools } from "./pods-exec.js";
import { resourceTools } from "./resources.js";
import { topTools } from "./top.js";

/** Why: createServer registers exactly these; policy filtering happens at registration. */
export function allTools(deps: ServerDeps): AnyTool[] {
  const kube = [
    ...namespaceTools(),
    ...podTools(),
    ...execTools(),
    ...topTools(),
    ...resourceTools(),
    ...configurationTools(),
  ];
  const fanOut = execAllTool(kube, deps.config);
  return [...clusterTools(), ...(fanOut ? [fanOut] : []), ...compareTools(), ...kube, ...nskTools(deps)];
}
