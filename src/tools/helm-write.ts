// Helm writes through the helm CLI: install, upgrade, rollback, uninstall, on the resolved cluster only.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { ToolError } from "../errors.js";
import { type HelmResult, runHelm } from "../helm/cli.js";
import { checkReleaseName, RECORD_KINDS } from "../helm/find.js";
import type { Release } from "../helm/record.js";
import { showRelease } from "../helm/redact.js";
import { judgeRendered, type RenderedObject, releaseObjects, renderedObjects } from "../helm/rendered.js";
import type { Verb } from "../kube/access.js";
import { knownResource } from "../kube/api-resources.js";
import type { CliIntent } from "../kube/scoped.js";
import { checkNamespace } from "../kube/validate.js";
import { clusterOutput } from "../mcp/output.js";
import { type AnyTool, type ClusterToolContext, defineClusterTool } from "../mcp/tool.js";
import { redactText } from "../redact/text.js";
import { redactTree } from "../redact/tree.js";
import { once } from "../util/once.js";
import { ADDITIVE, DESTRUCTIVE } from "./common.js";

const NAMESPACES = knownResource("Namespace", "namespaces", false);
const DEFAULT_TIMEOUT_S = 300;

const fields = once(() => ({
  name: z.string().min(1).describe("Release name (at most 53 lowercase letters, digits, '-' or '.')."),
  namespace: z
    .string()
    .min(1)
    .optional()
    .describe("Namespace of the release (default: the context's namespace)."),
  chart: z
    .string()
    .min(1)
    .max(1024)
    .describe(
      "The chart: a local chart directory or .tgz on the server's machine, an oci:// reference, or a chart name with `repo`.",
    ),
  version: z.string().min(1).max(128).optional().describe("Chart version constraint (default: the latest)."),
  repo: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe("Chart repository URL for a chart given by name (no repository config is read or written)."),
  values: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("Values for the chart, as an object (like a values.yaml). Credentials here are never shown."),
  dry_run: z
    .boolean()
    .optional()
    .describe(
      "Server-side dry run: render and validate against the cluster, change nothing (default false).",
    ),
  wait: z.boolean().optional().describe("Wait until the release's resources are ready (default false)."),
  timeout_seconds: z
    .number()
    .int()
    .positive()
    .max(3600)
    .optional()
    .describe(`Timeout of the whole helm run in seconds (default ${DEFAULT_TIMEOUT_S}).`),
}));

const resultSchema = once(() =>
  clusterOutput({
    action: z.enum(["install", "upgrade", "rollback", "uninstall"]),
    name: z.string(),
    namespace: z.string(),
    dryRun: z.boolean(),
    revision: z.number().int().optional(),
    status: z.string().optional(),
    chart: z.string().optional(),
    appVersion: z.string().optional(),
    notes: z.string().optional().describe("The chart's notes (redacted)."),
    message: z.string().describe("What helm reported (redacted)."),
  }),
);

type Result = z.infer<ReturnType<typeof resultSchema>>;

// A chart reference is one argument: never a flag, never text with control characters.
function checkChart(chart: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  if (chart.startsWith("-") || /[\u0000-\u001f\u007f]/.test(chart))
    throw new ToolError(
      `invalid chart ${JSON.stringify(chart.slice(0, 80))}: must be a path, an oci:// reference or a chart name, not an option`,
      "options such as --post-renderer or --kube-context cannot be passed; use this tool's own fields",
    );
  return chart;
}

function checkVersion(v: string | undefined): string | undefined {
  if (v !== undefined && !/^[A-Za-z0-9.+~^<>=*, |-]+$/.test(v))
    throw new ToolError(
      `invalid chart version ${JSON.stringify(v.slice(0, 80))}`,
      "pass a version such as 1.2.0",
    );
  return v;
}

interface Plan {
  action: Result["action"];
  name: string;
  namespace: string;
  dryRun: boolean;
  /** The helm subcommand and its flags, before `--` and the positionals. */
  flags: string[];
  positionals: string[];
  verbs: Verb[];
  createNamespace?: boolean;
  values?: Record<string, unknown>;
  json: boolean;
  timeoutS: number;
  /** rollback: the revision to return to (default: the one before the newest). */
  revision?: number;
}

// One helm run of the plan under the call's intents; `dryRun` simulates against the live API.
async function runPlan(
  plan: Plan,
  ctx: ClusterToolContext,
  intents: readonly CliIntent[],
  dryRun: boolean,
): Promise<HelmResult> {
  return ctx.cluster.withKubeconfig(intents, async (kubeconfig, dir) => {
    const args = [...plan.flags, "--namespace", plan.namespace];
    if (plan.values) {
      const file = join(dir, "values.json");
      await writeFile(file, JSON.stringify(plan.values), { mode: 0o600 });
      args.push("--values", file);
    }
    if (plan.json) args.push("--output", "json");
    // install/upgrade/rollback simulate against the live API (server); uninstall only has the plain switch.
    if (dryRun) args.push(plan.action === "uninstall" ? "--dry-run" : "--dry-run=server");
    args.push("--timeout", `${plan.timeoutS}s`, "--", ...plan.positionals);
    return runHelm({
      helmPath: ctx.deps.config.helm_path,
      args,
      kubeconfig,
      dir,
      timeoutMs: (plan.timeoutS + 30) * 1000,
      signal: ctx.signal,
    });
  });
}

// The objects a rollback would re-apply: the target revision's manifest and hooks, read with helm itself.
async function rollbackObjects(plan: Plan, ctx: ClusterToolContext): Promise<RenderedObject[]> {
  const read = { resource: RECORD_KINDS.secret, namespace: plan.namespace, verbs: ["get", "list"] as Verb[] };
  return ctx.cluster.withKubeconfig([read], async (kubeconfig, dir) => {
    // Fails closed: what cannot be read cannot be checked, so the rollback does not run.
    const helm = async (args: string[]): Promise<string> => {
      const r = await runHelm({
        helmPath: ctx.deps.config.helm_path,
        args: [...args, "--namespace", plan.namespace, "--", plan.name],
        kubeconfig,
        dir,
        timeoutMs: 60_000,
        signal: ctx.signal,
      });
      if (r.exitCode !== 0)
        throw new ToolError(
          `helm rollback of ${plan.namespace}/${plan.name} on cluster '${ctx.cluster.name}' is refused: the target revision could not be read to check it against this server's policy: ${r.stderr.trim().slice(-500)}`,
          "helm_history lists the release's revisions; pass one as `revision`",
        );
      return r.stdout;
    };
    let target = plan.revision;
    if (target === undefined) {
      const [last] = JSON.parse(await helm(["history", "--max", "1", "--output", "json"])) as {
        revision?: number;
      }[];
      target = (last?.revision ?? 0) - 1; // helm's own default: the revision before the newest
    }
    if (target < 1) return []; // no earlier revision: helm's rollback refuses by itself
    const at = ["--revision", String(target)];
    return [
      ...(await renderedObjects(await helm(["get", "manifest", ...at]), `revision ${target}'s manifest`)),
      ...(await renderedObjects(await helm(["get", "hooks", ...at]), `revision ${target}'s hooks`)),
    ];
  });
}

function parseRelease(run: HelmResult, plan: Plan, where: string): Release {
  try {
    return JSON.parse(run.stdout) as Release;
  } catch {
    throw new ToolError(`helm ${plan.action} of ${where} printed no release JSON`, "check with helm_history");
  }
}

async function execute(plan: Plan, ctx: ClusterToolContext): Promise<{ text: string; structured: Result }> {
  const c = ctx.cluster;
  // Whatever helm prints, values the caller passed as credentials never reach the output.
  const found: string[] = [];
  if (plan.values) redactTree(plan.values, { found });
  const scrub = (t: string): string => redactText(t, found);
  const intents: CliIntent[] = [
    { resource: RECORD_KINDS.secret, namespace: plan.namespace, verbs: plan.verbs },
  ];
  if (plan.createNamespace)
    intents.push({ resource: NAMESPACES, namespace: plan.namespace, verbs: ["create"] });
  const where = `${plan.namespace}/${plan.name} on cluster '${c.name}'`;
  const failed = (run: HelmResult): ToolError => {
    const why = scrub(run.stderr.trim() || run.stdout.trim()).slice(-2000);
    return new ToolError(
      `helm ${plan.action} of ${where} failed: ${why}`,
      plan.action === "install"
        ? "helm_list shows existing releases; check the chart path and values, or try dry_run"
        : "helm_history shows the release's revisions and their status",
    );
  };
  const what = `helm ${plan.action} of ${where} is`;
  let run: HelmResult;
  if (plan.action === "install" || plan.action === "upgrade") {
    // Rendered with the cluster's capabilities first; the write runs only when every object passes the policy.
    const preview = await runPlan(plan, ctx, intents, true);
    if (preview.exitCode !== 0) throw failed(preview);
    const rel = parseRelease(preview, plan, where);
    await judgeRendered(c, await releaseObjects(rel), plan.namespace, plan.verbs, what);
    run = plan.dryRun ? preview : await runPlan(plan, ctx, intents, false);
  } else {
    if (plan.action === "rollback")
      await judgeRendered(c, await rollbackObjects(plan, ctx), plan.namespace, plan.verbs, what);
    run = await runPlan(plan, ctx, intents, plan.dryRun);
  }
  if (run.exitCode !== 0) throw failed(run);
  const base: Result = {
    cluster: c.name,
    action: plan.action,
    name: plan.name,
    namespace: plan.namespace,
    dryRun: plan.dryRun,
    message: "",
  };
  if (!plan.json) {
    const message = scrub(run.stdout.trim());
    return {
      text: `${plan.dryRun ? "(dry run) " : ""}${message} (${where})`,
      structured: { ...base, message },
    };
  }
  const rel = parseRelease(run, plan, where);
  const shown = await showRelease(rel, ctx.deps.config.allow_secret_values);
  const chartName = rel.chart?.metadata?.name ?? "";
  const notes = scrub(shown.notes);
  const out: Result = {
    ...base,
    revision: rel.version,
    status: rel.info?.status,
    chart: chartName ? `${chartName}-${rel.chart?.metadata?.version ?? ""}` : undefined,
    appVersion: rel.chart?.metadata?.appVersion,
    notes,
    message: scrub(rel.info?.description ?? ""),
  };
  const head = `${plan.dryRun ? "DRY RUN (nothing changed): " : ""}${plan.action} ${where}: revision ${out.revision}, ${out.status}, chart ${out.chart}${out.appVersion ? `, app ${out.appVersion}` : ""}`;
  const manifest = plan.dryRun ? `\nMANIFEST:\n${scrub(shown.manifest)}` : "";
  return {
    text: `${head}${notes ? `\nNOTES:\n${notes}` : ""}${manifest}`,
    structured: out,
  };
}

async function namespaceOf(args: { namespace?: string }, ctx: ClusterToolContext): Promise<string> {
  return checkNamespace(args.namespace ?? (await ctx.cluster.info()).defaultNamespace);
}

const helmInstall = defineClusterTool({
  name: "helm_install",
  title: "Helm: Install",
  description:
    "Install a Helm chart as a new release with the helm CLI (must be installed on the server's machine), on this cluster only. Values are passed as an object; no other helm options (post-renderers, --kube-* overrides, extra files) are accepted.",
  input: () => {
    const f = fields();
    return z.object({
      ...f,
      create_namespace: z.boolean().optional().describe("Create the namespace if it does not exist."),
    });
  },
  output: resultSchema,
  annotations: ADDITIVE,
  handler: async (args, ctx) =>
    execute(
      {
        action: "install",
        name: checkReleaseName(args.name),
        namespace: await namespaceOf(args, ctx),
        dryRun: args.dry_run === true,
        flags: [
          "install",
          ...(args.version ? ["--version", checkVersion(args.version) as string] : []),
          ...(args.repo ? ["--repo", args.repo] : []),
          ...(args.create_namespace ? ["--create-namespace"] : []),
          ...(args.wait ? ["--wait"] : []),
        ],
        positionals: [args.name, checkChart(args.chart)],
        verbs: ["create"],
        createNamespace: args.create_namespace,
        values: args.values,
        json: true,
        timeoutS: args.timeout_seconds ?? DEFAULT_TIMEOUT_S,
      },
      ctx,
    ),
});

const helmUpgrade = defineClusterTool({
  name: "helm_upgrade",
  title: "Helm: Upgrade",
  description:
    "Upgrade a Helm release to a chart version and/or new values with the helm CLI, on this cluster only (a new revision; helm_rollback undoes it).",
  input: () => {
    const f = fields();
    return z.object({
      ...f,
      reuse_values: z
        .boolean()
        .optional()
        .describe("Start from the release's current values and merge `values` over them (default false)."),
      install: z.boolean().optional().describe("Install the release if it does not exist yet."),
    });
  },
  output: resultSchema,
  annotations: { ...DESTRUCTIVE, idempotentHint: false },
  handler: async (args, ctx) =>
    execute(
      {
        action: "upgrade",
        name: checkReleaseName(args.name),
        namespace: await namespaceOf(args, ctx),
        dryRun: args.dry_run === true,
        flags: [
          "upgrade",
          ...(args.version ? ["--version", checkVersion(args.version) as string] : []),
          ...(args.repo ? ["--repo", args.repo] : []),
          ...(args.reuse_values ? ["--reuse-values"] : []),
          ...(args.install ? ["--install"] : []),
          ...(args.wait ? ["--wait"] : []),
        ],
        positionals: [args.name, checkChart(args.chart)],
        verbs: ["create", "patch"],
        values: args.values,
        json: true,
        timeoutS: args.timeout_seconds ?? DEFAULT_TIMEOUT_S,
      },
      ctx,
    ),
});

const baseFields = once(() => {
  const f = fields();
  return { name: f.name, namespace: f.namespace, dry_run: f.dry_run, timeout_seconds: f.timeout_seconds };
});

const helmRollback = defineClusterTool({
  name: "helm_rollback",
  title: "Helm: Rollback",
  description:
    "Roll a Helm release back to an earlier revision (a new revision with the old one's chart and values) with the helm CLI, on this cluster only.",
  input: () =>
    z.object({
      ...baseFields(),
      revision: z
        .number()
        .int()
        .positive()
        .optional()
        .describe("Revision to return to (see helm_history; default: the previous one)."),
      wait: fields().wait,
    }),
  output: resultSchema,
  annotations: { ...DESTRUCTIVE, idempotentHint: false },
  handler: async (args, ctx) =>
    execute(
      {
        action: "rollback",
        name: checkReleaseName(args.name),
        namespace: await namespaceOf(args, ctx),
        dryRun: args.dry_run === true,
        flags: ["rollback", ...(args.wait ? ["--wait"] : [])],
        positionals: [args.name, ...(args.revision ? [String(args.revision)] : [])],
        revision: args.revision,
        verbs: ["create", "patch"],
        json: false,
        timeoutS: args.timeout_seconds ?? DEFAULT_TIMEOUT_S,
      },
      ctx,
    ),
});

const helmUninstall = defineClusterTool({
  name: "helm_uninstall",
  title: "Helm: Uninstall",
  description:
    "Uninstall a Helm release (delete its resources and, unless keep_history, its records) with the helm CLI, on this cluster only.",
  input: () =>
    z.object({
      ...baseFields(),
      keep_history: z
        .boolean()
        .optional()
        .describe("Keep the release records (status uninstalled), so helm_rollback can restore it."),
    }),
  output: resultSchema,
  annotations: DESTRUCTIVE,
  handler: async (args, ctx) =>
    execute(
      {
        action: "uninstall",
        name: checkReleaseName(args.name),
        namespace: await namespaceOf(args, ctx),
        dryRun: args.dry_run === true,
        flags: ["uninstall", ...(args.keep_history ? ["--keep-history"] : [])],
        positionals: [args.name],
        verbs: ["delete"],
        json: false,
        timeoutS: args.timeout_seconds ?? DEFAULT_TIMEOUT_S,
      },
      ctx,
    ),
});

/** Why: the Helm write tools, listed in tools/index.ts. */
export function helmWriteTools(): AnyTool[] {
  return [helmInstall, helmUpgrade, helmRollback, helmUninstall];
}
