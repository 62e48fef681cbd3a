// Registers tools on an McpServer: policy filtering, deferred schemas (public-schema.ts), progress and elicitation
// wiring; every call goes to the one entry (invoke.ts).
import type { McpServer, RegisteredTool } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ElicitResultSchema } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import type { Config } from "../config/index.js";
import { once } from "../util/once.js";
import type { ServerDeps } from "./deps.js";
import { answerHiddenTool } from "./hidden-tools.js";
import { callTool } from "./invoke.js";
import { isToolEnabled } from "./policy.js";
import { publicInputSchema, publicOutputSchema, publicSchemaKey, toolFacts } from "./public-schema.js";
import type { AnyTool } from "./tool.js";
import { type ListedTool, serveToolList, type ToolSchemaTable } from "./tool-list.js";
import { prebuiltToolSchemas } from "./tool-schemas-prebuilt.js";

/**
 * Why: start-up builds no tool schema (tools/list comes from the snapshot). The SDK reads a registered tool's
 * inputSchema and outputSchema on each tools/call (mcp.js: validateToolInput, executeToolHandler,
 * validateToolOutput), so they become getters that build the schema on the first call and keep it.
 */
function deferSchemas(registered: RegisteredTool, tool: AnyTool, config: Config): void {
  const schemas = {
    inputSchema: once(() => publicInputSchema(tool, config)),
    outputSchema: once(() => publicOutputSchema(tool)),
  };
  for (const [key, get] of Object.entries(schemas))
    Object.defineProperty(registered, key, {
      configurable: true,
      enumerable: true,
      get,
      // An update() from the SDK replaces the getter with the value it is given.
      set(value: unknown) {
        Object.defineProperty(registered, key, {
          configurable: true,
          enumerable: true,
          writable: true,
          value,
        });
      },
    });
}

// With require_cluster there is no implicit cluster, so switching the active one would only mislead.
function isListed(tool: AnyTool, config: Config): boolean {
  if (config.require_cluster && tool.kind === "fleet" && tool.sessionOnly) return false;
  return isToolEnabled(tool, config);
}

/**
 * Why: one loop registers every enabled tool the same way; returns the names that were registered. tools/list is
 * answered from `schemas` (the build-time snapshot) where it has a tool's key, by live conversion otherwise.
 */
export function registerTools(
  server: McpServer,
  tools: readonly AnyTool[],
  deps: ServerDeps,
  schemas: () => ToolSchemaTable | undefined = prebuiltToolSchemas,
): string[] {
  const listed: ListedTool[] = [];
  for (const tool of tools) {
    if (!isListed(tool, deps.config)) {
      answerHiddenTool(server, tool, deps.config);
      continue;
    }
    const registered = server.registerTool<z.ZodObject<z.ZodRawShape>, z.ZodObject<z.ZodRawShape>>(
      tool.name,
      toolFacts(tool),
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
        return callTool(deps, tool, args, {
          sessionId: extra.sessionId ?? "stdio",
          signal: extra.signal,
          progress,
          client: server.server.getClientVersion()?.name,
          ask: confirm,
        });
      },
    );
    deferSchemas(registered, tool, deps.config);
    listed.push({ name: tool.name, key: publicSchemaKey(tool, deps.config), registered });
  }
  serveToolList(server, listed, schemas);
  return listed.map((t) => t.name);
}
