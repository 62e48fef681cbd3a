// A tool the policy hides is not listed; an agent that calls it anyway (from memory, another server, a doc) is told
// which setting hides it, instead of the SDK's bare "Tool pods_delete not found".
import type { Config } from "../config/index.js";
import type { AnyTool } from "./tool.js";

/** Why: the setting (and its flag) that keeps a tool off this server, in the words an operator would search for. */
export function hiddenBy(tool: AnyTool, config: Config, stateless = false): string | undefined {
  const sessionOnly = tool.kind === "fleet" && tool.sessionOnly === true;
  if (stateless && sessionOnly && !config.require_cluster)
    return 'stateless HTTP (2026-07-28, or http_legacy = "stateless"): there is no session whose active cluster could be switched; name `cluster` on each call, or set default_cluster';
  if (config.require_cluster && sessionOnly)
    return "require_cluster (--require-cluster): every call names its `cluster`, so there is no active cluster to switch";
  if (config.read_only && !tool.annotations.readOnlyHint && !sessionOnly)
    return "read_only (--read-only): this server offers only tools that read";
  if (config.disable_destructive && tool.annotations.destructiveHint)
    return "disable_destructive (--disable-destructive): this server offers no tool that deletes or overwrites";
  return undefined;
}

/** Why: a call to a hidden tool is an isError result naming the setting; nothing runs, no cluster is contacted. */
export function hiddenToolAnswer(tool: AnyTool, config: Config, stateless = false): string | undefined {
  const why = hiddenBy(tool, config, stateless);
  if (!why) return undefined;
  return `${tool.name} is not available on this server: it is hidden by ${why}. Try: a tool from tools/list; to use ${tool.name}, whoever runs this server must change that setting.`;
}
