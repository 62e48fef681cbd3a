// When a cluster's credentials expire, read from what its kubeconfig holds without calling anything. Pure
// functions of parsed kubeconfig data: token values are decoded, never returned, logged or compared outside.
import { X509Certificate } from "node:crypto";

/** Why: where an expiry came from, shown beside it so a user knows what to renew. */
export type ExpirySource = "token" | "client-certificate" | "exec" | "rancher";

/** Why: the earliest known expiry of one cluster's credentials (epoch ms) and what holds it. */
export interface CredentialExpiry {
  expiresAt: number;
  source: ExpirySource;
}

/** Why: the inputs, all already read by the caller (files, caches, the refresh state): nothing here does I/O. */
export interface ExpiryInput {
  /** The kubeconfig `user` block of the cluster's context (YAML keys as written). */
  user: unknown;
  /** Contents of files the user block names (`client-certificate`, `tokenFile`), when the caller read them. */
  files?: { clientCertificate?: string; tokenFile?: string };
  /** The last `expirationTimestamp` an exec plugin returned for this cluster (epoch ms). */
  execExpiresAt?: number;
  /** Rancher's report for the token it minted into this kubeconfig (its name, not its secret). */
  rancher?: { tokenName: string; expiresAt: number };
}

type Rec = Record<string, unknown>;

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** Why: a bearer token that is a JWT says when it expires (`exp`); only the payload is decoded, never verified. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.trim().split(".");
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as unknown;
    const exp = (payload as Rec | null)?.exp;
    return typeof exp === "number" && Number.isFinite(exp) && exp > 0 ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** Why: a client certificate stops working at its NotAfter; the first certificate of a PEM bundle is the leaf. */
export function certificateExpiry(pem: string): number | undefined {
  try {
    const at = Date.parse(new X509Certificate(pem).validTo);
    return Number.isNaN(at) ? undefined : at;
  } catch {
    return undefined;
  }
}

/** Why: Rancher tokens read `<token name>:<secret>`; the name (not a secret) is what Rancher's API reports on. */
export function rancherTokenName(token: string | undefined): string | undefined {
  const m = /^([a-z0-9][a-z0-9-]*):\S+$/.exec(token?.trim() ?? "");
  return m?.[1];
}

function decodePem(data: string): string {
  const trimmed = data.trim();
  return trimmed.startsWith("-----BEGIN") ? trimmed : Buffer.from(trimmed, "base64").toString("utf8");
}

/** Why: one answer per cluster: the earliest of every expiry its credentials carry, or none known. */
export function credentialExpiry(i: ExpiryInput): CredentialExpiry | undefined {
  const user = (i.user && typeof i.user === "object" ? i.user : {}) as Rec;
  const found: CredentialExpiry[] = [];
  const add = (expiresAt: number | undefined, source: ExpirySource): void => {
    if (expiresAt !== undefined) found.push({ expiresAt, source });
  };
  const token = str(user.token) ?? str(i.files?.tokenFile)?.trim();
  if (token) add(jwtExpiry(token), "token");
  const certData = str(user["client-certificate-data"]);
  const cert = certData ? decodePem(certData) : str(i.files?.clientCertificate);
  if (cert) add(certificateExpiry(cert), "client-certificate");
  if (user.exec && typeof user.exec === "object") add(i.execExpiresAt, "exec");
  // Rancher's report applies only while the file still holds the token it was made for.
  if (i.rancher && token && rancherTokenName(token) === i.rancher.tokenName)
    add(i.rancher.expiresAt, "rancher");
  return found.sort((a, b) => a.expiresAt - b.expiresAt)[0];
}

/** Why: the kubeconfig `user` block of a context (the file's current-context unless named), from parsed YAML. */
export function userOfContext(doc: unknown, context?: string): Rec | undefined {
  const d = (doc && typeof doc === "object" ? doc : {}) as Rec;
  const name = context ?? str(d["current-context"]);
  const named = (list: unknown, n: string | undefined): Rec | undefined =>
    Array.isArray(list) ? (list.find((e) => (e as Rec | null)?.name === n) as Rec | undefined) : undefined;
  const ctx = named(d.contexts, name)?.context as Rec | undefined;
  const user = named(d.users, str(ctx?.user))?.user;
  return user && typeof user === "object" ? (user as Rec) : undefined;
}

/** Why: "3h12m" reads faster than a timestamp; days and hours, hours and minutes, or minutes and seconds. */
export function shortDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const [d, h, m] = [Math.floor(s / 86400), Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60)];
  if (d > 0) return h ? `${d}d${h}h` : `${d}d`;
  if (h > 0) return m ? `${h}h${m}m` : `${h}h`;
  if (m > 0) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  return `${s}s`;
}

/** Why: the phrase clusters_status and clusters_list show: `expires in 3h12m` or `expired 5m ago`. */
export function describeExpiry(e: CredentialExpiry, now: number): string {
  const left = e.expiresAt - now;
  const when = left > 0 ? `expires in ${shortDuration(left)}` : `expired ${shortDuration(-left)} ago`;
  return `${SOURCE_WORDS[e.source]} ${when}`;
}

const SOURCE_WORDS: Record<ExpirySource, string> = {
  token: "token",
  "client-certificate": "client certificate",
  exec: "exec credential",
  rancher: "Rancher token",
};

/** Why: the structured form shown per cluster: when, from what, and whether it is under credential_warning. */
export interface ExpiryView {
  expiresAt: string;
  source: ExpirySource;
  text: string;
  warning: boolean;
}

/** Why: one function turns an expiry into what both tools show, so their wording and threshold agree. */
export function expiryView(
  e: CredentialExpiry | undefined,
  now: number,
  warnMs: number,
): ExpiryView | undefined {
  if (!e) return undefined;
  return {
    expiresAt: new Date(e.expiresAt).toISOString(),
    source: e.source,
    text: describeExpiry(e, now),
    warning: e.expiresAt - now < warnMs,
  };
}
