// Who is calling: the user, groups and scopes of a validated token. The token itself stays private.
import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Why: the one description of an authenticated caller. The raw token is held in a private field, so logging,
 * JSON.stringify or util.inspect of an Identity can never show it; only `bearer()` (passthrough) reads it.
 */
export class Identity {
  readonly #token: string;
  constructor(
    /** The user name, username_prefix applied. */
    readonly user: string,
    readonly groups: readonly string[],
    readonly scopes: readonly string[],
    token: string,
    /** Seconds since the epoch when the token expires. */
    readonly expiresAt: number,
  ) {
    this.#token = token;
  }

  /** The caller's own bearer token, for clusters reached with cluster_auth = "passthrough" only. */
  bearer(): string {
    return this.#token;
  }

  /** Whether the token grants this scope. */
  has(scope: string): boolean {
    return this.scopes.includes(scope);
  }

  /** What logs and audit records show: never the token. */
  toJSON(): { user: string; groups: readonly string[] } {
    return { user: this.user, groups: this.groups };
  }
}

const current = new AsyncLocalStorage<Identity>();

/**
 * Why: the HTTP request boundary runs the SDK's handling of one request inside this, so the one call entry
 * (callTool) learns the caller whichever way the call arrived (tools/call, resources/read, completion/complete).
 */
export function runAsCaller<T>(identity: Identity | undefined, fn: () => T): T {
  return identity ? current.run(identity, fn) : fn();
}

/** Why: read once at the call entry; everything below receives the identity explicitly. */
export function currentCaller(): Identity | undefined {
  return current.getStore();
}
