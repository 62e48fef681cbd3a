// Lazy, cached cluster clients: each built from one kubeconfig version (content key), rebuilt when the content
// changes, bounded while exec credential plugins run, and their credentials registered for scrubbing free text.

import type { ClusterClient } from "../kube/client.js";
import { KubeError } from "../kube/errors.js";
import type { Logger } from "../log.js";
import { redactTree } from "../redact/tree.js";
import { abortable } from "../util/abortable.js";
import { deadline } from "../util/deadline.js";
import type { SourceVersion } from "./servers.js";

interface CachedClient {
  client: ClusterClient;
  /** The content key of the kubeconfig version the client was built from. */
  key: string;
}

/** Why: the registry decides which name may be used; this only builds and caches the client behind it. */
export class ClientCache {
  private readonly clients = new Map<string, CachedClient>();
  private readonly building = new Map<string, Promise<CachedClient>>();

  constructor(
    private readonly opts: {
      requestTimeoutMs: number;
      logger: Logger;
    },
  ) {}

  /** The client for a canonical name built from exactly this kubeconfig version; a new version, a new client. */
  async get(
    name: string,
    version: SourceVersion,
    context?: string,
    signal?: AbortSignal,
  ): Promise<ClusterClient> {
    const cached = this.clients.get(name);
    if (cached && cached.key === version.key) return cached.client;
    const key = `${name}\0${version.key}`;
    let pending = this.building.get(key);
    if (!pending) {
      pending = this.build(name, version, context).finally(() => this.building.delete(key));
      this.building.set(key, pending);
    }
    // Building runs exec credential plugins, which may never return: bound the wait.
    const ms = this.opts.requestTimeoutMs;
    const limit = deadline(ms, signal);
    // A stuck build stays shared (not restarted per call), so a waiting plugin is not spawned again and again;
    // when it finally answers (say, the user completed a device-code login) the client is cached as usual.
    const built = await abortable(pending, limit.signal, () => {
      return limit.timedOut()
        ? new KubeError(
            "timeout",
            `credentials for '${name}' not ready within ${ms} ms (exec credential plugin waiting?)`,
          )
        : new KubeError("cancelled", "request cancelled");
    }).finally(limit.clear);
    // Builds of two versions may finish out of order: the cache keeps whichever this call asked for, and a
    // replaced client is closed (its in-flight requests finish; nothing new uses it).
    const current = this.clients.get(name);
    if (current && current.client !== built.client) current.client.close();
    this.clients.set(name, built);
    return built.client;
  }

  private async build(name: string, v: SourceVersion, context: string | undefined): Promise<CachedClient> {
    const [{ loadClientSettings }, { createClusterClient }] = await Promise.all([
      import("../kube/kubeconfig-loader.js"),
      import("../kube/client.js"),
    ]);
    if (v.error) throw new KubeError("kubeconfig", v.error);
    this.registerCredentials(v.doc);
    try {
      const settings = await loadClientSettings(
        {
          name,
          file: v.src.file,
          doc: v.doc,
          context: context ?? (v.src.kind === "classic" ? v.src.context : undefined),
        },
        this.opts.requestTimeoutMs,
      );
      return { client: createClusterClient(settings), key: v.key };
    } catch (err) {
      // An exec plugin's stderr becomes the message: it may echo the credentials registered above.
      if (err instanceof KubeError) throw new KubeError(err.kind, this.opts.logger.scrub(err.message));
      throw err;
    }
  }

  // Every credential the kubeconfig holds (as the one redactor finds them) is removed from any later log, error
  // or audit text, even when a plugin or library echoes it in a sentence.
  private registerCredentials(doc: unknown): void {
    const found: string[] = [];
    redactTree(doc, { found });
    for (const value of found) if (value.length >= 6) this.opts.logger.addSecret(value);
  }

  /** Closes and forgets the clients whose names the predicate picks (clusters that disappeared). */
  drop(gone: (name: string) => boolean): void {
    for (const [key, cached] of this.clients) {
      if (!gone(key)) continue;
      cached.client.close();
      this.clients.delete(key);
    }
  }

  /** Closes every connection. */
  close(): void {
    for (const c of this.clients.values()) c.client.close();
    this.clients.clear();
  }
}
