// The one entry into a tool handler, for SDK calls, fan-out legs, resource reads and completion alike: strict
// argument validation, scopes, session and active cluster, scoped client (policy, confirm_clusters on write
// requests), the output budget, output-schema check and one audit record written once the final result is known.
// SDK-agnostic: a plain function of the tool, its arguments and the call's metadata.
import { randomUUID } from "node:crypto";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { clusterAuthMode } from "../auth/cluster-auth.js";
import { currentCaller, type Identity } from "../auth/identity.js";
import { assertScope } from "../auth/scopes.js";
import { ToolError } from "../errors.js";
import { KubeError } from "../kube/errors.js";
import { fieldManagerFor } from "../kube/objects.js";
import { foldAliases } from "./arguments.js";
import { fitResult } from "./budget.js";
import { clusterResult, noClusterSelected } from "./cluster-text.js";
import { isConfirmCluster, NeedsConfirmation, writeGate } from "./confirm.js";
import type { CallRecord, ServerDeps } from "./deps.js";
import { callOutcome } from "./outcome.js";
import { openScope } from "./policy.js";
import { publicInputSchema, publicOutputSchema } from "./public-schema.js";
import { redactArgs } from "./redact-args.js";
import { describeError, errorResult, truncate } from "./results.js";
import type { AnyTool, ToolContext, ToolOutput } from "./tool.js";

/** Why: the facts of a call besides its arguments, whichever way it arrived (SDK, fan-out leg, resource, completion). */
export interface CallMeta {
  sessionId: string;
  signal: AbortSignal;
  progress?: ToolContext["progress"];
  fanoutId?: string;
  /** Asks the user (elicitation); absent: nobody can be asked, so an unconfirmed write is refused. */
  ask?: ToolContext["confirm"];
  /** The call's writes were confirmed by its caller (a fan-out, once for every leg): call metadata, not an argument. */
  confirmed?: boolean;
  /** Bytes for text and structuredContent together; default max_output_bytes. */
  budget?: number;
  /** [team] The authenticated caller; fan-out legs inherit it explicitly. */
  caller?: Identity;
  /** The MCP client's name (initialize clientInfo): writes name it as their field manager. */
  client?: string;
}

/** Why: the one argument check (strict, closest-key suggestion); clusters_exec_all uses it to check parameters early. */
export function validateArgs(
  tool: AnyTool,
  args: Record<string, unknown>,
  deps: Pick<ServerDeps, "config">,
): { ok: true; args: Record<string, unknown> } | { ok: false; message: string } {
  const parsed = publicInputSchema(tool, deps.config).safeParse(args);
  if (parsed.success) return { ok: true, args: foldAliases(tool.name, parsed.data) };
  const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
  return { ok: false, message: issues };
}

// The structuredContent the SDK would refuse is refused here, before the audit record is written.
function checkOutput(tool: AnyTool, result: CallToolResult): CallToolResult {
  if (result.isError || result.structuredContent === undefined) return result;
  const ok = publicOutputSchema(tool).safeParse(result.structuredContent);
  if (ok.success) return result;
  const first = ok.error.issues[0];
  return errorResult(
    `${tool.name} produced a result that does not match its output schema (${first?.path.join(".") || "(root)"}: ${first?.message ?? "invalid"}); this is a server bug, please report it`,
  );
}

/** Why: the only way into a handler; every entry (register, exec-all, resources, completion) calls this. */
export async function callTool(
  deps: ServerDeps,
  tool: AnyTool,
  rawArgs: Record<string, unknown>,
  meta: CallMeta,
): Promise<CallToolResult> {
  const started = performance.now();
  const session = deps.sessions.get(meta.sessionId);
  const callId = randomUUID();
  const budget = meta.budget ?? deps.config.max_output_bytes;
  const askUser = meta.ask ?? (async () => false);
  // A 2026-07-28 question without an answer yet (NeedsConfirmation) ends the call as an input request, even when
  // the handler caught it (a per-document apply, a fan-out): nothing was written, the client retries with the answer.
  let unanswered: NeedsConfirmation | undefined;
  const ask = async (message: string): Promise<boolean> => {
    try {
      return await askUser(message);
    } catch (err) {
      if (err instanceof NeedsConfirmation) unanswered = err;
      throw err;
    }
  };
  const valid = validateArgs(tool, rawArgs, deps);
  const { cluster: requested, confirm: confirmedArg, ...args } = valid.ok ? valid.args : {};
  const confirmed = meta.confirmed === true || confirmedArg === true;
  // [team] The caller: explicit for fan-out legs, else the user of the HTTP request this call arrived in.
  const caller = meta.caller ?? currentCaller();
  // Writes name the caller as their field manager: the MCP client, and the user once the team server has one.
  const fieldManager = fieldManagerFor({ client: meta.client, user: caller?.user });
  const ctx: ToolContext = {
    deps,
    session,
    signal: meta.signal,
    progress: meta.progress ?? (async () => {}),
    callId,
    fanoutId: meta.fanoutId,
    budget,
    confirm: ask,
    confirmed,
    openCluster: async (name, opts) =>
      openScope(
        deps,
        await deps.clusters.resolve(name),
        tool.name,
        { signal: meta.signal, fieldManager, ...opts },
        caller,
      ),
    runLeg: (op, legArgs, call) =>
      callTool(deps, op, legArgs, {
        sessionId: meta.sessionId,
        signal: call.signal,
        fanoutId: call.fanoutId,
        confirmed: call.confirmed,
        budget: call.budget,
        caller,
        client: meta.client,
      }),
  };
  let clusterName: string | undefined;
  let result: CallToolResult;
  let failure: unknown;
  let out: ToolOutput | undefined;
  try {
    if (!valid.ok)
      throw new ToolError(
        `invalid arguments: ${valid.message}`,
        `see the input schema of ${tool.name} in tools/list`,
      );
    assertScope(deps.config.oauth, caller, tool, valid.args);
    if (tool.kind === "cluster") {
      // require_cluster: the active cluster is never used implicitly, whoever calls (tools, resources, completion).
      const implicit = deps.config.require_cluster ? undefined : deps.sessions.activeOf(session);
      const wanted = typeof requested === "string" && requested.trim() ? requested : implicit;
      if (!wanted) throw noClusterSelected(deps);
      clusterName = await deps.clusters.resolve(wanted);
      const guarded =
        !confirmed && isConfirmCluster(clusterName, deps.config, (n) => deps.clusters.namesOf(n));
      // The boundary: every request this call makes is built, checked and sent by this scoped client.
      const cluster = await openScope(
        deps,
        clusterName,
        tool.name,
        {
          signal: meta.signal,
          fieldManager,
          beforeWrite: guarded ? writeGate(tool.name, clusterName, ask) : undefined,
        },
        caller,
      );
      out = await tool.handler(args, { ...ctx, cluster });
    } else {
      out = await tool.handler(valid.args, ctx);
    }
    if (unanswered) throw unanswered;
    // A direct call's text names its cluster (a fan-out leg's section header already does); a leg fits its share.
    const fitted = meta.fanoutId
      ? fitResult(out, budget, "leg")
      : clusterName
        ? clusterResult(tool, out, clusterName, budget)
        : fitResult(out, budget);
    result = checkOutput(tool, fitted);
  } catch (err) {
    if (unanswered || err instanceof NeedsConfirmation) throw unanswered ?? err;
    failure = err;
    const text = deps.logger.scrub(describeError(err, { tool: tool.name, cluster: clusterName }));
    result = errorResult(truncate(text, budget));
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
