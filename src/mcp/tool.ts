// Tools are data: a name, a zod input schema, the four annotations and a handler.
import type { CallToolResult } from "@modelcontextprotocol/server";
import type { z } from "zod";
import type { ClusterManager } from "../clusters/manager.js";
import type { SessionState } from "../clusters/sessions.js";
import type { WriteEffect } from "../kube/errors.js";
import type { Fingerprint } from "../kube/sanitize.js";
import type { ScopedClient } from "../kube/scoped.js";
import { once } from "../util/once.js";
import type { ServerDeps } from "./deps.js";

/** Why: all four MCP annotations are required on every tool; policy is derived from them. */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** Why: what a handler returns; the registration layer turns it into a CallToolResult. */
export interface ToolOutput<T extends Record<string, unknown> = Record<string, unknown>> {
  text: string;
  /** The data as structuredContent; validated against the tool's `output` schema. */
  structured?: T;
  /** How to narrow the query if the text must be truncated. */
  narrowHint?: string;
  /** Appended after truncation, so it always survives (paging notes with the continue token). */
  footer?: string;
  /** Which end to keep when the text must be cut: logs keep their newest lines (default "head"). */
  keep?: "head" | "tail";
  /** The call failed as a whole yet has data to show (a fan-out where no cluster succeeded): isError with it. */
  failed?: boolean;
  /** Set when a write's outcome is unknown (the audit records it as such). */
  effect?: WriteEffect;
}

/** Why: the registry as handlers see it: names, aliases, kubeconfig facts, but no raw client. */
export type ClusterDirectory = Omit<ClusterManager, "client">;

/** Why: what handlers may use of ServerDeps; API access goes through scoped clients only. */
export type ToolDeps = Omit<ServerDeps, "clusters"> & { readonly clusters: ClusterDirectory };

/** Why: how a fleet tool asks for one cluster's boundary (status deadlines, compare fingerprints). */
export interface OpenOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  fingerprint?: Fingerprint;
  /** The field manager this call's writes carry (names the MCP client). */
  fieldManager?: string;
  /** Awaited before the scope's first write request (confirm_clusters). */
  beforeWrite?: (what: string) => Promise<void>;
}

/** Why: one leg of a fan-out runs as a full tool call (policy, audit) on one cluster. */
export interface LegCall {
  signal: AbortSignal;
  fanoutId: string;
  /** The fan-out confirmed its writes once for every leg (call metadata, never a forged argument). */
  confirmed: boolean;
  /** This leg's share of the output budget (bytes, text and structuredContent together). */
  budget: number;
}

/** Why: the per-call context every handler gets (never the raw MCP request). */
export interface ToolContext {
  deps: ToolDeps;
  session: SessionState;
  signal: AbortSignal;
  /** Sends a progress notification when the client asked for progress; otherwise a no-op. */
  progress: (progress: number, total?: number, message?: string) => Promise<void>;
  /** Unique id of this call (audit records of fan-out legs point to it). */
  callId: string;
  /** Set when this call is one leg of a fan-out. */
  fanoutId?: string;
  /** Bytes this call's result may take, text and structuredContent together (max_output_bytes, or a leg's share). */
  budget: number;
  /** Asks the user to confirm through MCP elicitation; false when the client cannot ask or the user declines. */
  confirm: (message: string) => Promise<boolean>;
  /** The call is confirmed: it carried `confirm: true`, or its fan-out was confirmed (call metadata). */
  confirmed: boolean;
  /** The boundary for one cluster (name, alias or address), under this call's policy. */
  openCluster: (cluster: string, opts?: OpenOptions) => Promise<ScopedClient>;
  /** Runs a cluster-aware tool on one cluster as its own audited call (clusters_exec_all legs). */
  runLeg: (tool: AnyTool, args: Record<string, unknown>, call: LegCall) => Promise<CallToolResult>;
}

/** Why: cluster-aware handlers receive the scoped client of the resolved cluster; they never look clusters up. */
export interface ClusterToolContext extends ToolContext {
  cluster: ScopedClient;
}

/** Why: the zod object a tool's structuredContent follows (its MCP outputSchema). */
export type OutputSchema = z.ZodObject<z.ZodRawShape>;

/** Why: a handler's result typed by its tool's `output` schema: one source for outputSchema and the return type. */
export type TypedOutput<O extends OutputSchema> = ToolOutput & { structured: z.infer<O> };

interface ToolBase<S extends z.ZodRawShape, O extends OutputSchema> {
  name: string;
  title: string;
  description: string;
  /** Built on first read: listing a tool needs none of its schemas (tools/list comes from the build snapshot). */
  readonly input: z.ZodObject<S>;
  /** The structuredContent schema, published as outputSchema; the handler's structured result is inferred from it. */
  readonly output: O;
  annotations: ToolAnnotations;
  /**
   * Set by a tool built from config (clusters_exec_all: its operation enum): names what its schemas were built
   * from, so the build-time tools/list snapshot is looked up under it (publicSchemaKey) and never goes stale.
   */
  schemaVariant?: string;
  /** The tool may ask for confirmation itself (resources_scale above max_replicas): it always takes `confirm`. */
  confirms?: boolean;
  /** Lines a fan-out adds above its per-cluster sections, from every successful leg's structured result. */
  fleetSummary?: (legs: readonly FleetLeg[]) => string[];
}

/** Why: what a fleet summary reads of one successful fan-out leg. */
export interface FleetLeg {
  cluster: string;
  result: Record<string, unknown>;
}

/** Why: a tool that runs on one cluster; the `cluster` argument is added at registration, not here. */
export interface ClusterTool<S extends z.ZodRawShape = z.ZodRawShape, O extends OutputSchema = OutputSchema>
  extends ToolBase<S, O> {
  kind: "cluster";
  handler: (args: z.infer<z.ZodObject<S>>, ctx: ClusterToolContext) => Promise<TypedOutput<O>>;
}

/** Why: a tool about the fleet or the session itself (clusters_*, nsk_*). */
export interface FleetTool<S extends z.ZodRawShape = z.ZodRawShape, O extends OutputSchema = OutputSchema>
  extends ToolBase<S, O> {
  kind: "fleet";
  /** Changes only session state (clusters_switch): allowed in read-only mode. */
  sessionOnly?: boolean;
  handler: (args: z.infer<z.ZodObject<S>>, ctx: ToolContext) => Promise<TypedOutput<O>>;
}

/** Why: heterogeneous tool lists need one erased type; the define* helpers keep handlers typed. */
export type AnyTool = ClusterTool<z.ZodRawShape> | FleetTool<z.ZodRawShape>;

/**
 * Why: a tool as written in its group's file: the schemas are thunks, so defining every tool at start-up builds
 * no zod schema; each is built on its tool's first call (or by the build-time snapshot).
 */
export type ToolDefinition<T extends { kind: string; input: unknown; output: unknown }> = Omit<
  T,
  "kind" | "input" | "output"
> & {
  input: () => T["input"];
  output: () => T["output"];
};

// The thunks become memoised getters, so every consumer reads `tool.input` / `tool.output` as plain schemas.
function withSchemas(
  t: ToolDefinition<ClusterTool> | ToolDefinition<FleetTool>,
  kind: AnyTool["kind"],
): AnyTool {
  const { input: makeInput, output: makeOutput, ...rest } = t;
  const input = once(makeInput);
  const output = once(makeOutput);
  const tool = {
    ...rest,
    kind,
    get input(): z.ZodObject<z.ZodRawShape> {
      return input();
    },
    get output(): OutputSchema {
      return output();
    },
  };
  return tool as AnyTool;
}

/** Why: typed definition of a cluster-aware tool, erased for the tool list. */
export function defineClusterTool<S extends z.ZodRawShape, O extends OutputSchema>(
  t: ToolDefinition<ClusterTool<S, O>>,
): AnyTool {
  return withSchemas(t as unknown as ToolDefinition<ClusterTool>, "cluster");
}

/** Why: typed definition of a fleet tool, erased for the tool list. */
export function defineFleetTool<S extends z.ZodRawShape, O extends OutputSchema>(
  t: ToolDefinition<FleetTool<S, O>>,
): AnyTool {
  return withSchemas(t as unknown as ToolDefinition<FleetTool>, "fleet");
}
