// Runs one tool call: session, cluster resolution, policy, handler, result, audit record. Shared by fan-out.
import { randomUUID } from "node:crypto";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { clusterAuthMode } from "../auth/cluster-auth.js";
import { currentCaller, type Identity } from "../auth/identity.js";
import { assertScope } from "../auth/scopes.js";
import { KubeError } from "../kube/errors.js";
import { fieldManagerFor } from "../kube/objects.js";
import { clusterResult, noClusterSelected } from "./cluster-text.js";
import { assertWriteConfirmed, NeedsConfirmation } from "./confirm.js";
import type { CallRecord, ServerDeps } from "./deps.js";
import { callOutcome } from "./outcome.js";
import { openScope } from "./policy.js";
import { redactArgs } from "./redact-args.js";
import { describeError, errorResult, okResult } from "./results.js";
import type { AnyTool, ToolContext, ToolOutput } from "./tool.js";

/** Why: the transport-level facts of a call, independent of how it arrived (direct or fan-out leg). */
export interface CallMeta {
  sessionId: string;
  signal: AbortSignal;
  progress: ToolContext["progress"];
  fanoutId?: string;
  confirm?: ToolContext["confirm"];
  /** [team] The authenticated caller; fan-out legs inherit it explicitly. */
  caller?: Identity;
  /** The MCP client's name (initialize clientInfo): writes name it as their field manager. */
  client?: string;
}

/** Why: the `cluster` argument, described once for every cluster-aware tool. */
export const CLUSTER_ARG_DESCRIPTION =
  "Cluster name or alias (see clusters_list). Optional: defaults to this session's active cluster (clusters_switch).";

/** Why: also used by clusters_exec_all to run a leg with an explicit cluster. */
export async function runTool(
  deps: ServerDeps,
  tool: AnyTool,
  rawArgs: Record<string, unknown>,
  meta: CallMeta,
): Promise<CallToolResult> {
  const started = performance.now();
  const session = deps.sessions.get(meta.sessionId);
  const { cluster: requested, confirm: confirmed, ...args } = rawArgs;
  const callId = randomUUID();
  // [team] The caller: explicit for fan-out legs, else the user of the HTTP request this call arrived in.
  const caller = meta.caller ?? currentCaller();
  // Writes name the caller as their field manager: the MCP client, and the user once the team server has one.
  const fieldManager = fieldManagerFor({ client: meta.client, user: caller?.user });
  const ctx: ToolContext = {
    deps,
    session,
    signal: meta.signal,
    progress: meta.progress,
    callId,
    fanoutId: meta.fanoutId,
    confirm: meta.confirm ?? (async () => false),
    confirmed: confirmed === true,
    openCluster: async (name, opts) =>
      openScope(
        deps,
        await deps.clusters.resolve(name),
        tool.name,
        { signal: meta.signal, fieldManager, ...opts },
        caller,
      ),
    runLeg: (op, legArgs, call) =>
      runTool(deps, op, legArgs, {
        sessionId: meta.sessionId,
        signal: call.signal,
        progress: async () => {},
        fanoutId: call.fanoutId,
        caller,
        client: meta.client,
      }),
  };
  let clusterName: string | undefined;
  let result: CallToolResult;
  let failure: unknown;
  let out: ToolOutput | undefined;
  try {
    assertScope(deps.config.oauth, caller, tool, rawArgs);
    if (tool.kind === "cluster") {
      // require_cluster: the active cluster is never used implicitly, whoever calls (tools, resources, completion).
      const implicit = deps.config.require_cluster ? undefined : deps.sessions.activeOf(session);
      const wanted = typeof requested === "string" && requested.trim() ? requested : implicit;
      if (!wanted) throw noClusterSelected(deps);
      clusterName = await deps.clusters.resolve(wanted);
      await assertWriteConfirmed(tool, clusterName, confirmed === true, ctx.confirm, deps.config, (n) =>
        deps.clusters.namesOf(n),
      );
      // The boundary: every request this call makes is built, checked and sent by this scoped client.
      const cluster = await openScope(
        deps,
        clusterName,
        tool.name,
        { signal: meta.signal, fieldManager },
        caller,
      );
      out = await tool.handler(args, { ...ctx, cluster });
    } else {
      out = await tool.handler(rawArgs, ctx);
    }
    // A direct call's text names its cluster (a fan-out leg's section header already does).
    result =
      clusterName && !meta.fanoutId
        ? clusterResult(tool, out, clusterName, deps.config.max_output_bytes)
        : okResult(out, deps.config.max_output_bytes);
  } catch (err) {
    if (err instanceof NeedsConfirmation) throw err;
    failure = err;
    const text = deps.logger.scrub(describeError(err, { tool: tool.name, cluster: clusterName }));
    result = errorResult(text);
    // A failed write says in data, too, whether it changed the cluster.
    const effect = failure instanceof KubeError ? failure.effect : undefined;
    if (effect && clusterName)
      result.structuredContent = { cluster: clusterName, outcome: effect, error: text };
  }
  const record: CallRecord = {
    time: new Date().toISOString(),
    session: meta.sessionId,
    tool: tool.name,
    cluster: clusterName,
    args: await redactArgs(rawArgs, deps.config),
    outcome: callOutcome(result.isError === true, failure, meta.signal, out?.effect),
    error: result.isError
      ? String(result.content[0]?.type === "text" ? result.content[0].text : "")
      : undefined,
    durationMs: Math.round(performance.now() - started),
    callId,
    fanoutId: meta.fanoutId,
    user: caller?.user,
    groups: caller?.groups,
    as:
      deps.config.oauth && clusterName
        ? clusterAuthMode(deps.config, deps.clusters.namesOf(clusterName))
        : undefined,
  };
  deps.onCall?.(record);
  return result;
}
