// A tool the policy hides is not listed; an agent that calls it anyway (from memory, another server, a doc) is told
// which setting hides it, instead of the SDK's bare "Tool pods_delete not found".
import type { CallToolResult, McpServer } from "@modelcontextprotocol/server";
import type { Config } from "../config/index.js";
import { errorResult } from "./results.js";
import type { AnyTool } from "./tool.js";

/** Why: the setting (and its flag) that keeps a tool off this server, in the words an operator would search for. */
export function hiddenBy(tool: AnyTool, config: Config): string | undefined {
  const sessionOnly = tool.kind === "fleet" && tool.sessionOnly === true;
  if (config.require_cluster && sessionOnly)
    return "require_cluster (--require-cluster): every call names its `cluster`, so there is no active cluster to switch";
  if (config.read_only && !tool.annotations.readOnlyHint && !sessionOnly)
    return "read_only (--read-only): this server offers only tools that read";
  if (config.disable_destructive && tool.annotations.destructiveHint)
    return "disable_destructive (--disable-destructive): this server offers no tool that deletes or overwrites";
  return undefined;
}

/**
 * Why: registers an unlisted stand-in for a hidden tool (tools/list is served from the listed tools only), so a
 * call to it is an isError result naming the setting. Nothing runs and no cluster is contacted.
 */
export function answerHiddenTool(server: McpServer, tool: AnyTool, config: Config): void {
  const why = hiddenBy(tool, config);
  if (!why) return;
  const text = `${tool.name} is not available on this server: it is hidden by ${why}. Try: a tool from tools/list; to use ${tool.name}, whoever runs this server must change that setting.`;
  // Disabled: SDK v2 lists every enabled tool and answers a disabled one with its own error (-32602).
  server
    .registerTool(tool.name, { description: text }, async (): Promise<CallToolResult> => errorResult(text))
    .disable();
}
