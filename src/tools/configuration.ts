// configuration_view: the kubeconfig behind a cluster, with every credential and certificate removed.
// Reads the file only: it sends no request, so its scoped client never connects (no exec plugin, no credentials
// loaded) and it works exactly when credentials are broken.
import { z } from "zod";
import { clusterOutput } from "../mcp/output.js";
import { type AnyTool, defineClusterTool } from "../mcp/tool.js";
import { isObj } from "../redact/secret.js";
import { redactTree } from "../redact/tree.js";
import { loadYaml } from "../util/yaml.js";
import { READ_ONLY } from "./common.js";

type Obj = Record<string, unknown>;

function entries(list: unknown): Obj[] {
  return Array.isArray(list) ? list.filter(isObj) : [];
}

function named(list: unknown, names: ReadonlySet<string>): Obj[] {
  return entries(list).filter((x) => typeof x.name === "string" && names.has(x.name));
}

// Only the given contexts, and the cluster and user entries they use: hidden contexts never show.
function restrict(doc: Obj, contextNames: ReadonlySet<string>, current: string): Obj {
  const contexts = named(doc.contexts, contextNames);
  const used = (key: string): Set<string> =>
    new Set(
      contexts
        .map((c) => (isObj(c.context) ? c.context[key] : undefined))
        .filter((v) => typeof v === "string"),
    );
  return {
    apiVersion: "v1",
    kind: "Config",
    "current-context": current,
    contexts,
    clusters: named(doc.clusters, used("cluster")),
    users: named(doc.users, used("user")),
  };
}

const configurationView = defineClusterTool({
  name: "configuration_view",
  title: "Configuration: View",
  description:
    "Show the kubeconfig used for a cluster (server, context, namespace, user and auth method), read from the local file without contacting the cluster (works when credentials are broken). Tokens, passwords, keys, certificates, exec-plugin secrets and URL credentials are never shown.",
  input: () =>
    z.object({
      minified: z
        .boolean()
        .optional()
        .describe(
          "Only the context in use and its cluster and user (default true); false shows every context of the file this server may use.",
        ),
    }),
  output: () =>
    clusterOutput({
      file: z.string().describe("The kubeconfig file this cluster comes from."),
      kubeconfig: z.record(z.string(), z.unknown()).describe("The kubeconfig with every credential removed."),
    }),
  annotations: { ...READ_ONLY, openWorldHint: false },
  handler: async (args, ctx) => {
    const kc = await ctx.deps.clusters.kubeconfig(ctx.cluster.name);
    const { stringify } = await loadYaml();
    const doc = kc.version.doc; // the one parse every reader of this file version uses
    if (kc.version.error) {
      return {
        text: `# cluster '${ctx.cluster.name}' from ${kc.file}\n# the file is not valid YAML`,
        structured: { cluster: ctx.cluster.name, file: kc.file, kubeconfig: {} },
      };
    }
    const shown = args.minified === false ? new Set(kc.visibleContexts) : new Set([kc.context]);
    const kubeconfig = redactTree(restrict(isObj(doc) ? doc : {}, shown, kc.context)) as Obj;
    return {
      text: `# cluster '${ctx.cluster.name}' from ${kc.file}\n${stringify(kubeconfig)}`,
      structured: { cluster: ctx.cluster.name, file: kc.file, kubeconfig },
    };
  },
});

/** Why: the configuration tool group, listed in tools/index.ts. */
export function configurationTools(): AnyTool[] {
  return [configurationView];
}
