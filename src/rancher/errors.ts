// Rancher/NSK failures as a few kinds with a sentence an operator can act on; never carrying the token.
import { ToolError } from "../errors.js";

/** Why: the refresh report, status and tests distinguish failures by kind, not by parsing messages. */
export type RancherErrorKind =
  | "auth"
  | "forbidden"
  | "tls"
  | "unreachable"
  | "timeout"
  | "cancelled"
  | "http"
  | "config"
  | "nsk"
  | "invalid"
  | "too-soon";

/** Why: a fixable Rancher/NSK problem; extends ToolError so tools show the hint ("Try: ..."). */
export class RancherError extends ToolError {
  /** node's error code behind a network/TLS failure, e.g. SELF_SIGNED_CERT_IN_CHAIN */
  code?: string;
  constructor(
    readonly kind: RancherErrorKind,
    message: string,
    hint?: string,
    readonly status?: number,
  ) {
    super(message, hint);
  }
}

/** Why: the one wording for a 401, required verbatim by the issue and the README. */
export function authError(url: string): RancherError {
  return new RancherError(
    "auth",
    `Rancher rejected the API token (expired, revoked or scoped?) at ${url}`,
    "create a new unscoped API key in Rancher (avatar > Account & API Keys) and set RANCHER_TOKEN or nsk.rancher_token, then restart the server",
    401,
  );
}

/** Why: TLS failures always name the URL and the two ways out. */
export function tlsError(url: string, detail: string): RancherError {
  return new RancherError(
    "tls",
    `TLS verification of Rancher at ${url} failed (${detail})`,
    "if Rancher uses a self-signed or private CA, make sure /v3/settings/cacerts serves it or point NODE_EXTRA_CA_CERTS at the CA file; rancher_insecure = true (RANCHER_INSECURE=true) skips verification (not for production)",
  );
}

/** Why: AbortSignal reasons differ (timeout vs cancel); callers get one of two clear errors. */
export function abortError(signal: AbortSignal, timeoutMs: number): RancherError {
  const reason: unknown = signal.reason;
  if (reason instanceof RancherError) return reason;
  if (reason instanceof Error && reason.name === "TimeoutError") {
    return new RancherError("timeout", `refresh exceeded refresh_timeout (${Math.round(timeoutMs / 1000)}s)`);
  }
  return new RancherError("cancelled", "refresh cancelled");
}

/** Why: first line of any thrown value, for per-cluster error cells. */
export function errorText(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split("\n")[0] ?? msg;
}
