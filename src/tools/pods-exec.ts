// pods_exec: run a command in a container and return its output and exit code.
import { z } from "zod";
import { parseDuration } from "../config/index.js";
import { knownResource } from "../kube/api-resources.js";
import { defaultContainer } from "../kube/containers.js";
import { clusterOutput } from "../mcp/output.js";
import { type AnyTool, defineClusterTool } from "../mcp/tool.js";
import { DESTRUCTIVE, namespaceField } from "./common.js";

const PODS = knownResource("Pod", "pods", true);

const podsExec = defineClusterTool({
  name: "pods_exec",
  title: "Pods: Exec",
  description:
    "Run a command in a pod's container (non-interactive, no shell unless you call one: use ['sh','-c','...'] for pipes). Returns stdout, stderr and the exit code.",
  input: () =>
    z.object({
      name: z.string().min(1).describe("Name of the pod."),
      namespace: namespaceField("of the pod (default: the context's namespace)."),
      container: z
        .string()
        .min(1)
        .optional()
        .describe(
          "Container name (default: the pod's kubectl.kubernetes.io/default-container, else its first container).",
        ),
      command: z.array(z.string()).min(1).describe("Command and arguments, e.g. ['ls', '-l', '/tmp']."),
    }),
  output: () =>
    clusterOutput({
      container: z.string().optional(),
      exitCode: z.number().int().describe("The command's exit code (0 = success)."),
      stdout: z.string(),
      stderr: z.string(),
      truncated: z.boolean().describe("True when stdout/stderr were cut to the output budget."),
    }),
  annotations: { ...DESTRUCTIVE, idempotentHint: false },
  handler: async (args, ctx) => {
    const ref = { resource: PODS, name: args.name, namespace: args.namespace };
    const container =
      args.container ?? (await defaultContainer(ctx.cluster, PODS, args.name, args.namespace)).chosen;
    const r = await ctx.cluster.exec(ref, {
      container,
      command: args.command,
      timeoutMs: parseDuration(ctx.deps.config.request_timeout),
      maxBytes: ctx.budget,
    });
    const parts = [`exit code ${r.exitCode}`];
    if (r.stdout) parts.push(`--- stdout ---\n${r.stdout}`);
    if (r.stderr) parts.push(`--- stderr ---\n${r.stderr}`);
    if (r.truncated) parts.push("(output truncated; narrow the command's output, e.g. with head or grep)");
    return {
      text: parts.join("\n"),
      structured: {
        cluster: ctx.cluster.name,
        container,
        exitCode: r.exitCode,
        stdout: r.stdout,
        stderr: r.stderr,
        truncated: r.truncated,
      },
    };
  },
});

/** Why: the exec tool, listed in tools/index.ts. */
export function execTools(): AnyTool[] {
  return [podsExec];
}
