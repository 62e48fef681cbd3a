// Node's socket and TLS error codes, read and classified once for every outgoing client (Kubernetes, Rancher).

/** Why: these verification failures mean "unknown CA", which a published CA (Rancher's cacerts) may fix. */
export const UNKNOWN_CA_CODES: ReadonlySet<string> = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
]);

const TLS_CODES: ReadonlySet<string> = new Set([
  ...UNKNOWN_CA_CODES,
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "EPROTO",
]);

/** Why: codes of a connection that could not be made at all (refused, no route, no such host, reset). */
export const CONNECT_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNRESET",
  "EAI_AGAIN",
  "EPIPE",
]);

/** Why: the code node attaches to fs, socket and TLS failures ("" when there is none). */
export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "";
}

/** Why: the one TLS table: a certificate or handshake failure, as opposed to an unreachable server. */
export function isTlsCode(code: string): boolean {
  return TLS_CODES.has(code) || code.startsWith("ERR_TLS") || code.startsWith("ERR_SSL");
}
