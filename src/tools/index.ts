// The one list of tool groups. Adding a group means adding one line here.
import type { Config } from "../config/index.js";
import type { AnyTool } from "../mcp/tool.js";
import { clusterTools } from "./clusters.js";
import { compareTools } from "./compare.js";
import { configurationTools } from "./configuration.js";
import { execAllTool } from "./exec-all.js";
import { helmReadTools } from "./helm.js";
import { helmWriteTools } from "./helm-write.js";
import { namespaceTools } from "./namespaces.js";
import { nodeTools } from "./nodes.js";
import { nskTools } from "./nsk.js";
import { podTools } from "./pods.js";
import { execTools } from "./pods-exec.js";
import { resourceTools } from "./resources.js";
import { topTools } from "./top.js";

/**
 * Why: createServer registers exactly these; policy filtering happens at registration. Only config and whether
 * Rancher/NSK is configured shape the list, so the build can snapshot every variant's tools/list.
 */
export function allTools(config: Config, nsk: boolean): AnyTool[] {
  const kube = [
    ...namespaceTools(),
    ...podTools(),
    ...execTools(),
    ...topTools(),
    ...nodeTools(),
    ...resourceTools(),
    ...configurationTools(),
    ...helmReadTools(),
    ...helmWriteTools(),
  ];
  const fanOut = execAllTool(kube, config);
  return [...clusterTools(), ...(fanOut ? [fanOut] : []), ...compareTools(), ...kube, ...nskTools(nsk)];
}
