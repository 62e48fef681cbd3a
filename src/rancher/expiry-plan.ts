// Which refreshed kubeconfigs expire soon, and when each is due for a refresh ahead of refresh_interval.

import type { ExpirySource } from "../clusters/expiry.js";
import type { RancherTokenReport } from "../clusters/expiry-read.js";
import { expiryOfDoc } from "../clusters/expiry-read.js";
import { readLocalFiles } from "./local.js";
import type { RefreshState } from "./state.js";

/** Why: one kubeconfig's expiry and the moment refresh_before_expiry makes it due. */
export interface ExpiryDue {
  cluster: string;
  expiresAt: number;
  source: ExpirySource;
  /** expiresAt - refresh_before_expiry */
  refreshAt: number;
}

/** Why: Rancher's reports from the persisted state, as the pure expiry rules take them. */
export function tokenReportsOf(state: RefreshState): RancherTokenReport {
  const tokens = state.tokens ?? {};
  return (cluster) => {
    const t = Object.hasOwn(tokens, cluster) ? tokens[cluster] : undefined;
    const at = t ? Date.parse(t.expiresAt) : Number.NaN;
    return t && !Number.isNaN(at) ? { tokenName: t.tokenName, expiresAt: at } : undefined;
  };
}

/** Why: the scheduler's input: every file in the refresh directory with a known expiry, soonest due first. */
export async function expiryDues(dir: string, state: RefreshState, beforeMs: number): Promise<ExpiryDue[]> {
  const files = await readLocalFiles(dir).catch(() => new Map());
  const rancher = tokenReportsOf(state);
  const out: ExpiryDue[] = [];
  // The parser (js-yaml) loads with the first kubeconfig read, not at start-up.
  const { tryReadKubeconfigDoc } = await import("../clusters/discovery/kubeconfig.js");
  for (const f of files.values()) {
    const doc = tryReadKubeconfigDoc(f.content, f.path).doc;
    const e = await expiryOfDoc(doc, { file: f.path, rancher, name: f.name }).catch(() => undefined);
    if (e)
      out.push({
        cluster: f.name,
        expiresAt: e.expiresAt,
        source: e.source,
        refreshAt: e.expiresAt - beforeMs,
      });
  }
  return out.sort((a, b) => a.refreshAt - b.refreshAt || a.cluster.localeCompare(b.cluster));
}
