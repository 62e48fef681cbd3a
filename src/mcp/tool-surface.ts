// tools/list and tools/call, served by this server rather than by McpServer.registerTool.
//
// Why we own both methods (through the SDK's public Server.setRequestHandler, nothing private): SDK v2's McpServer
// lists every enabled tool and answers a call to a disabled or unknown one with its own -32602 ("Tool X disabled"),
// so a tool that policy hides could no longer tell the caller which setting hides it. Tools are data here already:
// listing them is their JSON Schemas (from the build, or converted once per config), and a call is one lookup and
// the one entry (invoke.ts). Intercepting the SDK's error at the transport instead would need a rewrite on stdio, on the
// stateless HTTP handler and in HTTP sessions, each matching SDK error text. The Server still wraps both handlers
// (2026-07-28 input requests, ttlMs/cacheScope on the list, result checks per era).
import {
  type CallToolResult,
  type InputRequiredResult,
  isInputRequiredResult,
  type McpServer,
  ProtocolError,
  ProtocolErrorCode,
  type ServerContext,
  type Tool,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import type { Config } from "../config/index.js";
import { answeringInputRequests, clientNameFor, confirmFor, progressFor } from "./ask.js";
import type { ServerDeps } from "./deps.js";
import { callTool, validateArgs } from "./invoke.js";
import { prebuiltSchemas } from "./listing-prebuilt.js";
import { errorResult } from "./results.js";
import type { AnyTool } from "./tool.js";

// The JSON Schema dialect MCP tool schemas are published in (the SDK's own choice for zod schemas).
const TARGET = "draft-2020-12";

/** Why: one tool as this server lists it. */
export interface OfferedTool {
  tool: AnyTool;
  listed: Tool;
}

/** Why: what register.ts decides of a tool's published schemas: the zod schemas, and what they depend on. */
export interface Schemas {
  build: (tool: AnyTool, config: Config) => { input: z.ZodObject<z.ZodRawShape>; output: z.ZodObject };
  /** Everything the schemas depend on: the key of the tool's entry in the build-time listing. */
  key: (tool: AnyTool, config: Config) => string;
}

/** Why: a tool's published JSON Schemas, converted from its zod schemas (build time, and tools the build lacks). */
export function jsonSchemas(built: {
  input: z.ZodType;
  output: z.ZodType;
}): [Tool["inputSchema"], Tool["inputSchema"]] {
  return [
    {
      type: "object",
      ...z.toJSONSchema(built.input, { target: TARGET, io: "input" }),
    } as Tool["inputSchema"],
    z.toJSONSchema(built.output, { target: TARGET, io: "output" }) as Tool["inputSchema"],
  ];
}

// Per config and tool name: the listing is what the config makes of the tool, the same for every server.
const offeredCache = new WeakMap<Config, Map<string, OfferedTool>>();

/**
 * Why: a tool's tools/list entry, reused by every server of a config. The bundle's build-time listing answers
 * without building a zod schema; a tool it lacks (source run under tsx, a test's tool) is converted here.
 */
export function offered(tool: AnyTool, config: Config, schemas: Schemas): OfferedTool {
  let byName = offeredCache.get(config);
  if (!byName) {
    byName = new Map();
    offeredCache.set(config, byName);
  }
  const known = byName.get(tool.name);
  if (known && known.tool === tool) return known;
  const [inputSchema, outputSchema] =
    prebuiltSchemas(schemas.key(tool, config)) ?? jsonSchemas(schemas.build(tool, config));
  const listed: Tool = {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema,
    annotations: { title: tool.title, ...tool.annotations },
    outputSchema: outputSchema as Tool["outputSchema"],
  };
  const made: OfferedTool = { tool, listed };
  byName.set(tool.name, made);
  return made;
}

/**
 * Why: what one server offers: the listed tools (converted on the first tools/list or call, not at start-up), and
 * the hidden ones answered with the setting that hides them.
 */
export interface ToolSurface {
  listed: Map<string, AnyTool>;
  hidden: Map<string, string>;
}

type CallAnswer = CallToolResult | InputRequiredResult;

async function call(
  server: McpServer,
  surface: ToolSurface,
  schemas: Schemas,
  deps: ServerDeps,
  fallbackKey: string,
  params: { name: string; arguments?: Record<string, unknown> },
  ctx: ServerContext,
): Promise<CallAnswer> {
  const listed = surface.listed.get(params.name);
  if (!listed) {
    const hidden = surface.hidden.get(params.name);
    if (hidden !== undefined) return errorResult(hidden);
    // As the SDK answers it: a name this server never offered is a protocol error.
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Tool ${params.name} not found`);
  }
  const entry = offered(listed, deps.config, schemas);
  // Arguments that break the tool's schema are the caller's protocol-level mistake: answered as the SDK words it,
  // before the one entry (so nothing runs and, as with SDK-validated calls, nothing is audited).
  const valid = validateArgs(listed, params.arguments ?? {}, deps);
  if (!valid.ok)
    return errorResult(`Input validation error: Invalid arguments for tool ${listed.name}: ${valid.message}`);
  // The one entry (invoke.ts) runs the call, fits the budget, checks the output and audits.
  const result = await answeringInputRequests(() =>
    callTool(deps, listed, params.arguments ?? {}, {
      sessionId: ctx.sessionId ?? fallbackKey,
      signal: ctx.mcpReq.signal,
      progress: progressFor(ctx),
      ask: confirmFor(server, ctx),
      client: clientNameFor(server, ctx),
    }),
  );
  if (isInputRequiredResult(result)) return result;
  return server.server.projectCallToolResult(result, entry.listed.outputSchema);
}

const surfaces = new WeakMap<McpServer, ToolSurface>();

/**
 * Why: the one place tools/list and tools/call are answered. Called again on the same server (tests add a tool),
 * it adds to that server's surface; the handlers are installed once.
 */
export function toolSurface(
  server: McpServer,
  deps: ServerDeps,
  schemas: Schemas,
  fallbackKey: string,
): ToolSurface {
  const known = surfaces.get(server);
  if (known) return known;
  const surface: ToolSurface = { listed: new Map(), hidden: new Map() };
  surfaces.set(server, surface);
  const low = server.server;
  low.registerCapabilities({ tools: { listChanged: true } });
  low.setRequestHandler("tools/list", () => ({
    tools: [...surface.listed.values()].map((t) => offered(t, deps.config, schemas).listed),
  }));
  low.setRequestHandler("tools/call", async (request, ctx) => {
    try {
      return await call(server, surface, schemas, deps, fallbackKey, request.params, ctx);
    } catch (err) {
      // As the SDK did: anything thrown is the call's error result, but for an unknown tool and a URL elicitation.
      if (err instanceof ProtocolError && !surface.listed.has(request.params.name)) throw err;
      if (err instanceof ProtocolError && err.code === ProtocolErrorCode.UrlElicitationRequired) throw err;
      return errorResult(err instanceof Error ? err.message : String(err));
    }
  });
  return surface;
}
