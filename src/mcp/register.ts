// Registers tools on an McpServer: policy filtering, the `cluster` argument (added here only), progress wiring.
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ElicitResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ServerDeps } from "./deps.js";
import { CLUSTER_ARG_DESCRIPTION, runTool } from "./invoke.js";
import { isToolEnabled } from "./policy.js";
import type { AnyTool } from "./tool.js";

/** Why: the schema a client sees; cluster-aware tools gain an optional `cluster` here and nowhere else. */
export function publicInputSchema(tool: AnyTool): z.ZodObject<z.ZodRawShape> {
  if (tool.kind !== "cluster") return tool.input;
  return tool.input.extend({ cluster: z.string().optional().describe(CLUSTER_ARG_DESCRIPTION) });
}

/** Why: one loop registers every enabled tool the same way; returns the names that were registered. */
export function registerTools(server: McpServer, tools: readonly AnyTool[], deps: ServerDeps): string[] {
  const registered: string[] = [];
  for (const tool of tools) {
    if (!isToolEnabled(tool, deps.config)) continue;
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: publicInputSchema(tool),
        annotations: { title: tool.title, ...tool.annotations },
      },
      async (args: Record<string, unknown>, extra) => {
        const token = extra._meta?.progressToken;
        const progress = async (value: number, total?: number, message?: string): Promise<void> => {
          if (token === undefined) return;
          await extra
            .sendNotification({
              method: "notifications/progress",
              params: { progressToken: token, progress: value, total, message },
            })
            .catch(() => {});
        };
        const confirm = async (message: string): Promise<boolean> => {
          if (!server.server.getClientCapabilities()?.elicitation) return false;
          const answer = await extra.sendRequest(
            {
              method: "elicitation/create",
              params: {
                message,
                requestedSchema: {
                  type: "object",
                  properties: {
                    confirm: { type: "boolean", title: "Proceed", description: "Run the operation" },
                  },
                  required: ["confirm"],
                },
              },
            },
            ElicitResultSchema,
            { signal: extra.signal },
          );
          return answer.action === "accept" && answer.content?.confirm === true;
        };
        return runTool(deps, tool, args, {
          sessionId: extra.sessionId ?? "stdio",
          signal: extra.signal,
          progress,
          confirm,
        });
      },
    );
    registered.push(tool.name);
  }
  return registered;
}
