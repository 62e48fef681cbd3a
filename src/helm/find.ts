// Finding a cluster's release records through the scoped client: both storage drivers, labels only, all pages.
import { ToolError } from "../errors.js";
import { knownResource } from "../kube/api-resources.js";
import { KubeError } from "../kube/errors.js";
import type { ScopedClient } from "../kube/scoped.js";
import { mapPool } from "../util/pool.js";
import type { OpenedRecord } from "./open.js";
import { type Driver, RecordError } from "./record.js";
import { type RecordMeta, recordMeta } from "./releases.js";

/** Why: where each driver keeps records; a record read is a read of this kind for policy and RBAC. */
export const RECORD_KINDS = {
  secret: knownResource("Secret", "secrets", true),
  configmap: knownResource("ConfigMap", "configmaps", true),
} as const;

const PAGE = 500;
const MAX_PAGES = 200;

/** Why: Helm's release names (validated before they reach a label selector or an object name). */
export function checkReleaseName(name: string): string {
  if (name.length > 53 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name))
    throw new ToolError(
      `invalid release name ${JSON.stringify(name.slice(0, 80))}: at most 53 lowercase letters, digits, '-' or '.', starting and ending alphanumeric`,
      "helm_list shows the release names on this cluster",
    );
  return name;
}

async function listDriver(
  c: ScopedClient,
  driver: Driver,
  namespace: string | undefined,
  selector: string,
): Promise<RecordMeta[]> {
  const out: RecordMeta[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const list = await c.listMetadata(RECORD_KINDS[driver], {
      namespace,
      labelSelector: selector,
      limit: PAGE,
      continue: token,
    });
    for (const item of list.items ?? []) {
      const m = recordMeta(item, driver);
      if (m) out.push(m);
    }
    token = list.metadata?.continue || undefined;
    if (!token) break;
  }
  return out;
}

/** Why: what a search found, plus the driver it could not read (a ConfigMap 403 is reported, not fatal). */
export interface FoundRecords {
  records: RecordMeta[];
  notes: string[];
}

/**
 * Why: every reader starts here. Secrets (Helm's default driver) decide policy: a refusal there is the answer.
 * The ConfigMap driver is searched too; when RBAC forbids it, the output says so instead of failing.
 */
export async function findRecords(
  c: ScopedClient,
  namespace: string | undefined,
  release?: string,
): Promise<FoundRecords> {
  const selector = `owner=helm${release ? `,name=${checkReleaseName(release)}` : ""}`;
  const [secrets, maps] = await Promise.all([
    listDriver(c, "secret", namespace, selector),
    listDriver(c, "configmap", namespace, selector).then(
      (r) => ({ ok: true as const, r }),
      (err: unknown) => ({ ok: false as const, err }),
    ),
  ]);
  if (maps.ok) return { records: [...secrets, ...maps.r], notes: [] };
  if (maps.err instanceof KubeError && maps.err.kind === "forbidden")
    return { records: secrets, notes: ["ConfigMap-driver records not searched: forbidden by RBAC"] };
  throw maps.err;
}

/** Why: records are decoded a few at a time, so a namespace of many releases cannot flood the apiserver. */
export async function openRecords(
  c: ScopedClient,
  metas: readonly RecordMeta[],
  full: boolean,
): Promise<{ meta: RecordMeta; record: OpenedRecord }[]> {
  const outcomes = await mapPool(metas, 8, async (meta) => ({
    meta,
    record: await c
      .readRelease(
        { resource: RECORD_KINDS[meta.driver], name: meta.object, namespace: meta.namespace },
        { driver: meta.driver, full },
      )
      .catch((err: unknown) => {
        if (!(err instanceof RecordError)) throw err;
        throw new ToolError(
          `release record ${meta.driver} ${meta.namespace}/${meta.object} cannot be read: ${err.message}`,
          "the record is damaged or not written by Helm; helm_history lists the other revisions",
        );
      }),
  }));
  return outcomes.flatMap((o) => (o.status === "done" ? [o.value] : []));
}
