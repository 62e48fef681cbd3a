// Decides how to verify Rancher's certificate: system CAs, else the CA Rancher publishes, else a clear error.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Logger } from "../log.js";
import { UNKNOWN_CA_CODES } from "../util/net-errors.js";
import { writeFileAtomic } from "./atomic.js";
import { RancherError, tlsError } from "./errors.js";
import { rawRequest, type TlsTrust } from "./raw-http.js";

/** Why: the inputs of trust resolution; the token is deliberately not among them. */
export interface TrustOptions {
  base: URL;
  insecure: boolean;
  timeoutMs: number;
  signal: AbortSignal;
  logger: Logger;
  /** Where a CA fetched from /v3/settings/cacerts is pinned after first use (trust on first use, like ssh). */
  pinFile?: string;
}

async function readPin(file: string | undefined): Promise<string> {
  if (!file) return "";
  return (await readFile(file, "utf8").catch(() => "")).trim();
}

function cacertsUrl(base: URL): URL {
  return new URL("v3/settings/cacerts", base);
}

function cacertsValue(body: string): string {
  try {
    const v = (JSON.parse(body) as { value?: unknown }).value;
    return typeof v === "string" ? v.trim() : "";
  } catch {
    return "";
  }
}

/** Why: the operator can compare this with Rancher's UI before trusting the CA for good. */
export function fingerprint(pem: string): string {
  const b64 = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  return createHash("sha256").update(Buffer.from(b64, "base64")).digest("hex").slice(0, 32);
}

/**
 * Why: self-signed Rancher installs are common. Order: rancher_insecure skips verification; a certificate the
 * system CAs (and NODE_EXTRA_CA_CERTS) accept is used as is; an unknown CA is looked up at
 * /v3/settings/cacerts (fetched WITHOUT the token) and must then verify the server, else a TLS error.
 */
export async function resolveTrust(o: TrustOptions): Promise<TlsTrust> {
  if (o.insecure || o.base.protocol !== "https:") return { rejectUnauthorized: !o.insecure };
  const url = cacertsUrl(o.base);
  const probe = (trust: TlsTrust) =>
    rawRequest({ method: "GET", url, trust, signal: o.signal, timeoutMs: o.timeoutMs, maxBytes: 1 << 20 });
  try {
    await probe({ rejectUnauthorized: true });
    return { rejectUnauthorized: true };
  } catch (err) {
    const unknownCa =
      err instanceof RancherError && err.kind === "tls" && UNKNOWN_CA_CODES.has(err.code ?? "");
    if (!unknownCa) throw err;
  }
  // A CA pinned earlier is the only one accepted: a different certificate now means a changed Rancher CA or an
  // interception, and the token must not be sent either way.
  const pinned = await readPin(o.pinFile);
  if (pinned) {
    try {
      await probe({ ca: pinned, rejectUnauthorized: true });
      return { ca: pinned, rejectUnauthorized: true };
    } catch (err) {
      if (err instanceof RancherError && err.kind === "tls") {
        throw tlsError(
          o.base.origin,
          `certificate is not signed by the CA pinned in ${o.pinFile} (sha256 ${fingerprint(pinned)}); if Rancher's CA really changed, delete that file`,
        );
      }
      throw err;
    }
  }
  const unverified = await probe({ rejectUnauthorized: false });
  const ca = unverified.status === 200 ? cacertsValue(unverified.body) : "";
  if (!ca.includes("BEGIN CERTIFICATE")) {
    throw tlsError(
      o.base.origin,
      "certificate not trusted and Rancher publishes no CA at /v3/settings/cacerts",
    );
  }
  try {
    await probe({ ca, rejectUnauthorized: true });
  } catch (err) {
    if (err instanceof RancherError && err.kind === "tls") {
      throw tlsError(
        o.base.origin,
        "certificate is not signed by the CA Rancher publishes at /v3/settings/cacerts",
      );
    }
    throw err;
  }
  o.logger.warn("trusting Rancher's CA from /v3/settings/cacerts (first use; pinned from now on)", {
    url: o.base.origin,
    sha256: fingerprint(ca),
    pin: o.pinFile,
  });
  if (o.pinFile) await writeFileAtomic(o.pinFile, `${ca}\n`);
  return { ca, rejectUnauthorized: true };
}
