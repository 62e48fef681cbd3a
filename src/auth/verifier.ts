// Checks bearer tokens: a JWT signed by a key of the issuer's JWKS (discovered, cached, refetched on an unknown
// kid at most every 30 s), exact `iss`, `aud` containing the audience, exp/nbf with 60 s of skew, asymmetric algs.
import { readFile } from "node:fs/promises";
import { createRemoteJWKSet, customFetch, errors, type JWTPayload, jwtVerify } from "jose";
import type { OAuthConfig } from "../config/index.js";
import { Identity } from "./identity.js";
import { issuerGet, joseFetch } from "./issuer-http.js";

/** Why: the signature algorithms accepted; never `none`, never HMAC (a public key must not become a secret). */
export const ALLOWED_ALGORITHMS: readonly string[] = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
];

/** Why: a token bigger than this is refused before it is parsed (no IdP issues such tokens). */
export const MAX_TOKEN_BYTES = 8 * 1024;

/** Why: the largest clock difference tolerated on exp and nbf. */
export const CLOCK_SKEW_SECONDS = 60;

// Unknown kids refetch the JWKS at most this often; a failing issuer is asked again at most this often.
const JWKS_COOLDOWN_MS = 30_000;
const ISSUER_RETRY_MS = 10_000;
const ISSUER_TIMEOUT_MS = 5_000;

/** Why: why a token was refused: 401 invalid_token, or 503 when the issuer cannot be asked. */
export class TokenRejected extends Error {
  constructor(
    message: string,
    readonly status: 401 | 503 = 401,
  ) {
    super(message);
  }
}

/** Why: counters for the measurements (JWKS fetches under load) and for status. */
export interface VerifierStats {
  verified: number;
  rejected: number;
  discoveryFetches: number;
  jwksFetches: number;
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;

function claimText(payload: JWTPayload, claim: string): string | undefined {
  const v = payload[claim];
  return typeof v === "string" && v !== "" ? v : undefined;
}

function claimList(payload: JWTPayload, claim: string): string[] {
  const v = payload[claim];
  if (typeof v === "string") return v.split(" ").filter(Boolean);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && x !== "") : [];
}

function rejectionOf(err: unknown): TokenRejected {
  if (err instanceof TokenRejected) return err;
  if (err instanceof errors.JWTExpired) return new TokenRejected("the token has expired");
  if (err instanceof errors.JWTClaimValidationFailed)
    return new TokenRejected(`the token's "${err.claim}" claim is not acceptable`);
  if (err instanceof errors.JOSEAlgNotAllowed)
    return new TokenRejected("the token's algorithm is not accepted");
  if (err instanceof errors.JWKSNoMatchingKey)
    return new TokenRejected("no key of the issuer signed this token");
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return new TokenRejected("the token's signature is not valid");
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid)
    return new TokenRejected("the issuer's keys could not be fetched", 503);
  if (err instanceof errors.JOSEError) return new TokenRejected("the token is not a valid JWT");
  return new TokenRejected(`the issuer's keys could not be fetched (${(err as Error).message})`, 503);
}

/** Why: one verifier per server; it owns the discovered JWKS URL and jose's key cache. */
export class TokenVerifier {
  private keys: KeySet | undefined;
  private discovering: Promise<KeySet> | undefined;
  private failedAt = 0;
  private ca: string | undefined;
  readonly stats: VerifierStats = { verified: 0, rejected: 0, discoveryFetches: 0, jwksFetches: 0 };

  constructor(private readonly oauth: OAuthConfig) {}

  /** Validates a bearer token and returns the caller, or throws TokenRejected (never echoing the token). */
  async verify(token: string): Promise<Identity> {
    try {
      const identity = await this.check(token);
      this.stats.verified++;
      return identity;
    } catch (err) {
      this.stats.rejected++;
      throw rejectionOf(err);
    }
  }

  private async check(token: string): Promise<Identity> {
    if (token.length > MAX_TOKEN_BYTES) throw new TokenRejected("the token is too large");
    const keys = await this.keySet();
    const { payload } = await jwtVerify(token, keys, {
      issuer: this.oauth.issuer,
      audience: this.oauth.audience,
      algorithms: [...ALLOWED_ALGORITHMS],
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ["exp"],
    });
    const name = claimText(payload, this.oauth.username_claim);
    if (!name) throw new TokenRejected(`the token has no "${this.oauth.username_claim}" claim`);
    const scopes = [...claimList(payload, "scope"), ...claimList(payload, "scp")];
    const groups = claimList(payload, this.oauth.groups_claim);
    return new Identity(`${this.oauth.username_prefix}${name}`, groups, scopes, token, payload.exp ?? 0);
  }

  /** The JWKS, discovered once; a failed discovery is retried at most every ISSUER_RETRY_MS. */
  private keySet(): Promise<KeySet> {
    if (this.keys) return Promise.resolve(this.keys);
    if (Date.now() - this.failedAt < ISSUER_RETRY_MS)
      return Promise.reject(
        new TokenRejected("the authorization server could not be reached; retry shortly", 503),
      );
    this.discovering ??= this.discover()
      .then((keys) => {
        this.keys = keys;
        return keys;
      })
      .catch((err: unknown) => {
        this.failedAt = Date.now();
        throw new TokenRejected(
          `the authorization server could not be reached (${(err as Error).message})`,
          503,
        );
      })
      .finally(() => {
        this.discovering = undefined;
      });
    return this.discovering;
  }

  private async discover(): Promise<KeySet> {
    if (this.oauth.ca_file) this.ca ??= await readFile(this.oauth.ca_file, "utf8");
    const base = this.oauth.issuer.replace(/\/$/, "");
    let doc: { issuer?: unknown; jwks_uri?: unknown } | undefined;
    for (const well of ["openid-configuration", "oauth-authorization-server"]) {
      this.stats.discoveryFetches++;
      const res = await issuerGet(`${base}/.well-known/${well}`, {
        ca: this.ca,
        timeoutMs: ISSUER_TIMEOUT_MS,
      });
      if (res.status !== 200) continue;
      doc = JSON.parse(res.body) as typeof doc;
      break;
    }
    if (!doc) throw new Error("no discovery document at {issuer}/.well-known/");
    if (doc.issuer !== this.oauth.issuer) throw new Error("the discovery document names another issuer");
    if (typeof doc.jwks_uri !== "string" || !doc.jwks_uri.startsWith("https://"))
      throw new Error("the discovery document has no https jwks_uri");
    const fetchKeys = joseFetch({ ca: this.ca, timeoutMs: ISSUER_TIMEOUT_MS });
    return createRemoteJWKSet(new URL(doc.jwks_uri), {
      cooldownDuration: JWKS_COOLDOWN_MS,
      timeoutDuration: ISSUER_TIMEOUT_MS,
      [customFetch]: async (url, init) => {
        this.stats.jwksFetches++;
        return fetchKeys(url, init);
      },
    });
  }
}
