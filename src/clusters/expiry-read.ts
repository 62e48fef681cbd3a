// Gathers the inputs of credential expiry for one cluster (its kubeconfig, files it names, the exec cache,
// Rancher's report) and hands them to the pure rules in expiry.ts. Reads local files only; no cluster call.
import { dirname, resolve } from "node:path";
import { readKubeconfigFile } from "../util/read-limited.js";
import { splitContextAddress } from "./discovery/registry.js";
import { type CredentialExpiry, credentialExpiry, userOfContext } from "./expiry.js";

/** Why: Rancher's word on the token it minted for a cluster (name only, never the secret). */
export type RancherTokenReport = (cluster: string) => { tokenName: string; expiresAt: number } | undefined;

/** Why: the slice of ClusterManager expiry needs, so this module stays testable and survives its refactors. */
export interface ExpirySources {
  credentialSource(name: string): Promise<{ file: string; doc: unknown; context?: string }>;
  execCredentialExpiry(name: string): number | undefined;
}

async function readNamed(base: string, path: unknown): Promise<string | undefined> {
  if (typeof path !== "string" || path === "") return undefined;
  return readKubeconfigFile(resolve(base, path)).catch(() => undefined);
}

/**
 * Why: one parsed kubeconfig's expiry: a served cluster's document as the KubeconfigStore parsed it, or a file
 * the refresh scheduler is about to renew.
 */
export async function expiryOfDoc(
  doc: unknown,
  opts: {
    context?: string;
    file?: string;
    execExpiresAt?: number;
    rancher?: RancherTokenReport;
    name?: string;
  },
): Promise<CredentialExpiry | undefined> {
  const user = userOfContext(doc, opts.context);
  if (!user) return undefined;
  const base = opts.file ? dirname(opts.file) : process.cwd();
  const [clientCertificate, tokenFile] = await Promise.all([
    user["client-certificate-data"] ? undefined : readNamed(base, user["client-certificate"]),
    user.token ? undefined : readNamed(base, user.tokenFile),
  ]);
  const rancher = opts.name ? opts.rancher?.(opts.name) : undefined;
  return credentialExpiry({
    user,
    files: { clientCertificate, tokenFile },
    execExpiresAt: opts.execExpiresAt,
    rancher,
  });
}

/** Why: a served cluster's expiry, for clusters_status and clusters_list; undefined when nothing says. */
export async function readCredentialExpiry(
  clusters: ExpirySources,
  name: string,
  rancher?: RancherTokenReport,
): Promise<CredentialExpiry | undefined> {
  const kc = await clusters.credentialSource(name);
  return expiryOfDoc(kc.doc, {
    context: kc.context,
    file: kc.file,
    execExpiresAt: clusters.execCredentialExpiry(name),
    rancher,
    name: splitContextAddress(name).stem,
  });
}
