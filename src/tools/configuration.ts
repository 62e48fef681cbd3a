// configuration_view: the kubeconfig behind a cluster, with every credential and certificate removed.
import { z } from "zod";
import { clusterOutput } from "../mcp/output.js";
import { type AnyTool, defineClusterTool } from "../mcp/tool.js";
import { loadYaml } from "../util/yaml.js";
import { READ_ONLY } from "./common.js";

type Obj = Record<string, unknown>;
const SECRET_KEYS =
  /^(token|password|client-key-data|client-certificate-data|certificate-authority-data|id-token|refresh-token|client-secret|access-token)$/i;

// "https://user:pass@host" -> "https://REDACTED@host" (server, proxy-url...).
const stripUserinfo = (s: string): string => s.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/i, "$1REDACTED@");

function scrub(v: unknown, parentKey = ""): unknown {
  if (Array.isArray(v)) return v.map((x) => scrub(x, parentKey));
  if (typeof v === "string") return stripUserinfo(v);
  if (!v || typeof v !== "object") return v;
  const out: Obj = {};
  for (const [k, val] of Object.entries(v as Obj)) {
    if (SECRET_KEYS.test(k)) out[k] = "REDACTED";
    else if (parentKey === "auth-provider" && k === "config") out[k] = "REDACTED";
    else if (k === "env" && Array.isArray(val)) {
      out[k] = val.map((e) => (e && typeof e === "object" ? { ...(e as Obj), value: "REDACTED" } : e));
    } else out[k] = scrub(val, k);
  }
  return out;
}

function named(list: unknown, name: unknown): Obj[] {
  return Array.isArray(list)
    ? list.filter((x): x is Obj => Boolean(x) && typeof x === "object" && (x as Obj).name === name)
    : [];
}

const configurationView = defineClusterTool({
  name: "configuration_view",
  title: "Configuration: View",
  description:
    "Show the kubeconfig used for a cluster (server, context, namespace, user and auth method). Tokens, passwords, keys and certificates are never shown.",
  input: z.object({
    minified: z
      .boolean()
      .optional()
      .describe(
        "Only the context in use and its cluster and user (default true); false shows every context of the file.",
      ),
  }),
  output: clusterOutput({
    file: z.string().describe("The kubeconfig file this cluster comes from."),
    kubeconfig: z.record(z.string(), z.unknown()).describe("The kubeconfig with every credential removed."),
  }),
  annotations: { ...READ_ONLY, openWorldHint: false },
  handler: async (args, ctx) => {
    const kc = await ctx.deps.clusters.kubeconfig(ctx.cluster.name);
    const { parse, stringify } = await loadYaml();
    const doc = (parse(kc.text) ?? {}) as Obj;
    let view: Obj = doc;
    if (kc.visibleContexts) {
      const visible = new Set(kc.visibleContexts);
      const contexts = Array.isArray(doc.contexts)
        ? (doc.contexts as Obj[]).filter((c) => visible.has(String(c?.name)))
        : [];
      const used = (key: string) =>
        new Set(contexts.map((c) => String((c.context as Obj | undefined)?.[key])));
      const keep = (list: unknown, names: Set<string>) =>
        Array.isArray(list) ? (list as Obj[]).filter((x) => names.has(String(x?.name))) : [];
      view = {
        ...doc,
        contexts,
        clusters: keep(doc.clusters, used("cluster")),
        users: keep(doc.users, used("user")),
      };
    }
    if (args.minified !== false) {
      const context = named(doc.contexts, kc.context)[0];
      const c = (context?.context ?? {}) as Obj;
      view = {
        apiVersion: "v1",
        kind: "Config",
        "current-context": kc.context,
        contexts: context ? [context] : [],
        clusters: named(doc.clusters, c.cluster),
        users: named(doc.users, c.user),
      };
    }
    const kubeconfig = scrub(view) as Obj;
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
