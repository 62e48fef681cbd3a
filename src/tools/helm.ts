// Helm releases read natively from their records (Secrets of type helm.sh/release.v1, or the ConfigMap driver).
import { z } from "zod";
import { ToolError } from "../errors.js";
import { checkReleaseName, findRecords, openRecords } from "../helm/find.js";
import { chartSkew } from "../helm/fleet.js";
import { currentRevisions, historyRow, releaseRow } from "../helm/releases.js";
import { clusterOutput } from "../mcp/output.js";
import { truncate } from "../mcp/results.js";
import { type AnyTool, defineClusterTool } from "../mcp/tool.js";
import { once } from "../util/once.js";
import { formatTable } from "../util/table.js";
import { namespaceField, READ_ONLY } from "./common.js";

const releaseName = once(() => z.string().min(1).describe("Release name, as helm_list shows it."));
const releaseNamespace = once(() => namespaceField("of the release (default: the context's namespace)."));

const releaseRowSchema = once(() =>
  z.object({
    name: z.string(),
    namespace: z.string(),
    revision: z.number().int(),
    status: z.string().describe("deployed, failed, superseded, uninstalled, pending-install, ..."),
    chart: z.string().describe("Chart name-version, e.g. 'web-app-1.2.0'."),
    chartName: z.string(),
    chartVersion: z.string(),
    appVersion: z.string(),
    updated: z.string().describe("When this revision was deployed (RFC 3339)."),
  }),
);

const helmList = defineClusterTool({
  name: "helm_list",
  title: "Helm: List Releases",
  description:
    "List Helm releases on a cluster, like `helm list`: per release its deployed revision (else the latest), status, chart name-version, app version and update time. Read from the release records themselves (no helm binary needed). Through clusters_exec_all it shows which chart version runs where, with one summary line per chart.",
  input: () =>
    z.object({
      namespace: namespaceField("(default: the context's namespace unless all_namespaces)."),
      all_namespaces: z.boolean().optional().describe("Releases of every namespace (default false)."),
    }),
  output: () =>
    clusterOutput({
      releases: z.array(releaseRowSchema()),
      notes: z.array(z.string()).optional().describe("What could not be searched, if anything."),
    }),
  annotations: READ_ONLY,
  fleetSummary: chartSkew,
  handler: async (args, ctx) => {
    const c = ctx.cluster;
    const ns = args.all_namespaces ? undefined : (args.namespace ?? (await c.info()).defaultNamespace);
    const found = await findRecords(c, ns);
    const current = currentRevisions(found.records);
    const opened = await openRecords(c, current, false);
    const rows = opened.map((o) => releaseRow(o.record.head, o.meta));
    const table = formatTable(
      ["NAME", "NAMESPACE", "REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION"],
      rows.map((r) => [r.name, r.namespace, String(r.revision), r.updated, r.status, r.chart, r.appVersion]),
    );
    const where = ns ? `namespace ${ns}` : "any namespace";
    const notes = found.notes.length ? `\n(${found.notes.join("; ")})` : "";
    return {
      text: (rows.length ? table : `No Helm releases in ${where} on cluster '${c.name}'.`) + notes,
      narrowHint: "pass `namespace` instead of all_namespaces",
      structured: { cluster: c.name, releases: rows, ...(found.notes.length ? { notes: found.notes } : {}) },
    };
  },
});

const helmGet = defineClusterTool({
  name: "helm_get",
  title: "Helm: Get Release",
  description:
    "Show one Helm release revision, like `helm get all`: user-supplied and computed values, notes and the rendered manifest. Credentials in values and manifests are redacted (a release record is a Secret). Default: the deployed (else latest) revision.",
  input: () =>
    z.object({
      name: releaseName(),
      namespace: releaseNamespace(),
      revision: z
        .number()
        .int()
        .positive()
        .optional()
        .describe("Revision number (see helm_history); default the deployed revision."),
    }),
  output: () =>
    clusterOutput({
      release: releaseRowSchema(),
      userValues: z.record(z.string(), z.unknown()).describe("Values the user supplied (redacted)."),
      computedValues: z
        .record(z.string(), z.unknown())
        .describe("Chart defaults with the user's values applied (redacted; top-level chart only)."),
      notes: z.string(),
      manifest: z.string().describe("The rendered manifest (redacted; cut to the output budget)."),
      redactions: z.number().int().describe("Values and manifest documents redacted."),
    }),
  annotations: READ_ONLY,
  handler: async (args, ctx) => {
    const c = ctx.cluster;
    const ns = args.namespace ?? (await c.info()).defaultNamespace;
    const found = await findRecords(c, ns, args.name);
    const meta =
      args.revision === undefined
        ? currentRevisions(found.records)[0]
        : found.records.find((r) => r.revision === args.revision);
    if (!meta) throw notFound(args.name, ns, c.name, args.revision);
    const opened = (await openRecords(c, [meta], true))[0]?.record;
    const shown = opened?.shown;
    if (!opened || !shown) throw notFound(args.name, ns, c.name, args.revision);
    const yaml = (await import("../kube/objects.js")).toYaml;
    const row = releaseRow(opened.head, meta);
    const text = [
      `NAME: ${row.name}\nNAMESPACE: ${row.namespace}\nREVISION: ${row.revision}\nSTATUS: ${row.status}\nCHART: ${row.chart}\nAPP VERSION: ${row.appVersion}\nUPDATED: ${row.updated}`,
      `USER-SUPPLIED VALUES:\n${await yaml(shown.userValues)}`,
      `COMPUTED VALUES:\n${await yaml(shown.computedValues)}`,
      `NOTES:\n${shown.notes}`,
      `MANIFEST:\n${shown.manifest}`,
    ].join("\n");
    const budget = ctx.budget;
    return {
      text,
      narrowHint: "the manifest is long; read single objects with resources_get",
      structured: {
        cluster: c.name,
        release: row,
        userValues: shown.userValues,
        computedValues: shown.computedValues,
        notes: truncate(shown.notes, budget),
        manifest: truncate(shown.manifest, budget, "read single objects with resources_get"),
        redactions: shown.redactions,
      },
    };
  },
});

function notFound(name: string, ns: string, cluster: string, revision?: number): ToolError {
  return new ToolError(
    `release '${name}'${revision ? ` revision ${revision}` : ""} not found in namespace ${ns} on cluster '${cluster}'`,
    revision ? "helm_history lists the revisions" : "helm_list with all_namespaces shows where releases are",
  );
}

const helmHistory = defineClusterTool({
  name: "helm_history",
  title: "Helm: Release History",
  description:
    "The revisions of one Helm release, like `helm history`: revision, update time, status, chart, app version, description.",
  input: () => z.object({ name: releaseName(), namespace: releaseNamespace() }),
  output: () =>
    clusterOutput({
      name: z.string(),
      namespace: z.string(),
      revisions: z.array(
        z.object({
          revision: z.number().int(),
          updated: z.string(),
          status: z.string(),
          chart: z.string(),
          appVersion: z.string(),
          description: z.string(),
        }),
      ),
    }),
  annotations: READ_ONLY,
  handler: async (args, ctx) => {
    const c = ctx.cluster;
    const ns = args.namespace ?? (await c.info()).defaultNamespace;
    const found = await findRecords(c, ns, checkReleaseName(args.name));
    const metas = [...found.records].sort((a, b) => a.revision - b.revision);
    if (!metas.length) throw notFound(args.name, ns, c.name);
    const opened = await openRecords(c, metas, false);
    const rows = opened.map((o) => historyRow(o.record.head, o.meta));
    return {
      text: formatTable(
        ["REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"],
        rows.map((r) => [String(r.revision), r.updated, r.status, r.chart, r.appVersion, r.description]),
      ),
      structured: { cluster: c.name, name: args.name, namespace: ns, revisions: rows },
    };
  },
});

/** Why: the Helm read tools, listed in tools/index.ts. */
export function helmReadTools(): AnyTool[] {
  return [helmList, helmGet, helmHistory];
}
