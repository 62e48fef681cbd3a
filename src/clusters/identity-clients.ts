// Clients acting as callers (cluster_auth impersonate / passthrough): keyed by cluster and identity, bounded,
// rebuilt when the cluster's own client is, never shared between users.
import type { ClientSettings, ClusterClient } from "../kube/client.js";
import type { ClusterAuth } from "../kube/identity.js";

/** Why: enough for a team's active users across a fleet; the least recently used client is closed beyond it. */
export const MAX_IDENTITY_CLIENTS = 512;

interface Entry {
  base: ClusterClient;
  client: ClusterClient;
  /** Shares the base client's (proxy) agent, which only the base client may close. */
  sharesAgent: boolean;
}

/** Why: one derived client per (cluster, identity): its own connections, so no user's request rides another's. */
export class IdentityClients {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly max = MAX_IDENTITY_CLIENTS) {}

  /** The client for `auth` on a cluster whose current base client and settings are given. */
  async get(
    cluster: string,
    base: ClusterClient,
    settings: ClientSettings,
    auth: ClusterAuth,
  ): Promise<ClusterClient> {
    // Loaded with the first cluster client, never at start-up (the build keeps kube/client.ts a lazy root).
    const [{ createClusterClient }, { authKey, settingsAs }] = await Promise.all([
      import("../kube/client.js"),
      import("../kube/identity.js"),
    ]);
    const key = `${cluster}\0${authKey(auth)}`;
    const found = this.entries.get(key);
    if (found && found.base === base) {
      this.entries.delete(key); // re-inserted: most recently used last
      this.entries.set(key, found);
      return found.client;
    }
    if (found) this.evict(key, found);
    const derived = settingsAs(settings, auth);
    const entry = {
      base,
      client: createClusterClient(derived),
      sharesAgent: derived.agent !== undefined,
    };
    this.entries.set(key, entry);
    while (this.entries.size > this.max) {
      const [oldest, e] = this.entries.entries().next().value as [string, Entry];
      this.evict(oldest, e);
    }
    return entry.client;
  }

  /** How many derived clients are open (status, tests). */
  get size(): number {
    return this.entries.size;
  }

  /** Closes the derived clients of the clusters the predicate picks. */
  drop(gone: (cluster: string) => boolean): void {
    for (const [key, e] of this.entries) if (gone(key.slice(0, key.indexOf("\0")))) this.evict(key, e);
  }

  private evict(key: string, e: Entry): void {
    this.entries.delete(key);
    if (!e.sharesAgent) e.client.close();
  }
}
