// Classifies everything that can go wrong talking to a cluster into a few kinds an agent can act on.

/** Why: clusters_status and error messages need the same small vocabulary. */
export type KubeErrorKind =
  | "http"
  | "unauthorized"
  | "forbidden"
  | "not-found"
  | "unreachable"
  | "tls"
  | "timeout"
  | "cancelled"
  | "kubeconfig";

/** Why: one error type for every failed cluster call, carrying what failed and why. */
export class KubeError extends Error {
  override readonly name = "KubeError";
  constructor(
    readonly kind: KubeErrorKind,
    message: string,
    readonly status?: number,
    readonly reason?: string,
  ) {
    super(message);
  }
}

const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_SIGNATURE_FAILURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "EPROTO",
  "ERR_SSL_WRONG_VERSION_NUMBER",
]);

const NET_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNRESET",
  "EAI_AGAIN",
  "EPIPE",
]);

/** Why: node's socket/TLS errors become a kind plus a short human sentence. */
export function fromNetworkError(err: unknown, server: string): KubeError {
  if (err instanceof KubeError) return err;
  const e = err as { code?: string; message?: string; name?: string };
  const code = e.code ?? "";
  if (e.name === "AbortError" || code === "ABORT_ERR") return new KubeError("cancelled", "request cancelled");
  if (
    TLS_CODES.has(code) ||
    code.startsWith("ERR_TLS") ||
    code.startsWith("ERR_SSL") ||
    /certificate|tls|ssl/i.test(e.message ?? "")
  ) {
    return new KubeError("tls", `TLS error talking to ${server}: ${code || e.message}`);
  }
  if (NET_CODES.has(code)) return new KubeError("unreachable", `cannot connect to ${server}: ${code}`);
  return new KubeError("unreachable", `request to ${server} failed: ${code || e.message || String(err)}`);
}

interface StatusBody {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
}

function parseStatus(body: string): StatusBody | undefined {
  try {
    const v: unknown = JSON.parse(body);
    return v && typeof v === "object" ? (v as StatusBody) : undefined;
  } catch {
    return undefined;
  }
}

/** Why: a non-2xx API response becomes "403 Forbidden: <the API's own message>", never a header dump. */
export function fromResponse(status: number, body: string): KubeError {
  const s = parseStatus(body);
  const reason =
    s?.reason ??
    (status === 401
      ? "Unauthorized"
      : status === 403
        ? "Forbidden"
        : status === 404
          ? "NotFound"
          : undefined);
  const detail = (s?.message ?? body.slice(0, 300)).trim();
  const message = `${status}${reason ? ` ${reason}` : ""}${detail && detail !== reason ? `: ${detail}` : ""}`;
  const kind =
    status === 401 ? "unauthorized" : status === 403 ? "forbidden" : status === 404 ? "not-found" : "http";
  return new KubeError(kind, message, status, reason);
}
