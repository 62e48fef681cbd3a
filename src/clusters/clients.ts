// Lazy, cached cluster clients: built on first use from the kubeconfig file, rebuilt when the file changes,
// bounded while exec credential plugins run, and their credentials registered for scrubbing free text.

import type { ClientSettings, ClusterClient } from "../kube/client.js";
import { KubeError } from "../kube/errors.js";
import type { Logger } from "../log.js";
import { redactTree } from "../redact/tree.js";
import { abortable } from "../util/abortable.js";
import { deadline } from "../util/deadline.js";
import { stat } from "../util/fs-async.js";
import { readKubeconfigFile } from "../util/read-limited.js";
import { loadYaml } from "../util/yaml.js";
import { readPlainYaml } from "./discovery/plain-yaml.js";
import type { ClusterSource } from "./discovery/types.js";

interface CachedClient {
  client: ClusterClient;
  mtimeMs: number;
  /** What the client was built from; clients acting as a caller are derived from it (identity-clients.ts). */
  settings: ClientSettings;
}

/**
 * Why: a directory file is read as is; a classic source is the KUBECONFIG list merged for its context; the
 * pod's own cluster is written from its service-account token.
 */
export async function kubeconfigText(
  src: ClusterSource,
  classicPaths: readonly string[],
  maxBytes?: number,
): Promise<string> {
  if (src.kind === "dir") return readKubeconfigFile(src.file, maxBytes);
  if (src.kind === "in-cluster") {
    const { inClusterKubeconfig } = await import("./in-cluster.js");
    return inClusterKubeconfig(src, maxBytes);
  }
  const texts = await Promise.all(classicPaths.map((p) => readKubeconfigFile(p, maxBytes).catch(() => "")));
  const { mergeKubeconfigTexts } = await import("./classic-merge.js");
  return mergeKubeconfigTexts(texts, src.context);
}

/** Why: a kubeconfig text as data (JSON, plain YAML without the `yaml` package, else `yaml`); undefined if neither. */
export async function parseKubeconfigDoc(text: string): Promise<unknown> {
  let doc: unknown;
  try {
    // JSON is how a merged classic kubeconfig is handed on (classic-merge.ts), and kubectl reads JSON files too.
    doc = text.trimStart().startsWith("{") ? JSON.parse(text) : readPlainYaml(text);
  } catch {
    doc = undefined;
  }
  try {
    return doc ?? (await loadYaml()).parse(text, { version: "1.1" });
  } catch {
    return undefined;
  }
}

/** Why: the registry decides which name may be used; this only builds and caches the client behind it. */
export class ClientCache {
  private readonly clients = new Map<string, CachedClient>();
  private readonly building = new Map<string, Promise<CachedClient>>();

  constructor(
    private readonly opts: {
      classicPaths: readonly string[];
      requestTimeoutMs: number;
      logger: Logger;
      maxKubeconfigBytes?: number;
    },
  ) {}

  /** The client for a canonical name and its source; built on first use, rebuilt when its file changes. */
  async get(
    name: string,
    src: ClusterSource,
    context?: string,
    signal?: AbortSignal,
  ): Promise<ClusterClient> {
    const mtimeMs = (await stat(src.file).catch(() => undefined))?.mtimeMs ?? 0;
    const cached = this.clients.get(name);
    if (cached && cached.mtimeMs === mtimeMs) return cached.client;
    const key = `${name}@${mtimeMs}`;
    let pending = this.building.get(key);
    if (!pending) {
      pending = this.build(name, src, context, mtimeMs).finally(() => this.building.delete(key));
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
    if (cached && cached.client !== built.client) cached.client.close();
    this.clients.set(name, built);
    return built.client;
  }

  private async build(name: string, src: ClusterSource, context: string | undefined, mtimeMs: number) {
    const [{ loadClientSettings }, { createClusterClient }] = await Promise.all([
      import("../kube/kubeconfig-loader.js"),
      import("../kube/client.js"),
    ]);
    const text = await kubeconfigText(src, this.opts.classicPaths, this.opts.maxKubeconfigBytes);
    await this.registerCredentials(text);
    try {
      const settings = await loadClientSettings(
        {
          name,
          file: src.file,
          text,
          context: context ?? (src.kind === "classic" ? src.context : undefined),
        },
        this.opts.requestTimeoutMs,
      );
      return { client: createClusterClient(settings), mtimeMs, settings };
    } catch (err) {
      // An exec plugin's stderr becomes the message: it may echo the credentials registered above.
      if (err instanceof KubeError) throw new KubeError(err.kind, this.opts.logger.scrub(err.message));
      throw err;
    }
  }

  // Every credential the kubeconfig holds (as the one redactor finds them) is removed from any later log, error
  // or audit text, even when a plugin or library echoes it in a sentence. Plain kubeconfig YAML (what kubectl
  // and Rancher write) is read without loading the `yaml` package on the first call.
  private async registerCredentials(text: string): Promise<void> {
    const doc = await parseKubeconfigDoc(text);
    if (doc === undefined) return;
    const found: string[] = [];
    redactTree(doc, { found });
    for (const value of found) if (value.length >= 6) this.opts.logger.addSecret(value);
  }

  /** The cached client of a name, if one was built: what it learned (exec credential expiry) without building. */
  peek(name: string): ClusterClient | undefined {
    return this.clients.get(name)?.client;
  }

  /** The settings behind the cached client of `name`, when that client is the one given (not yet replaced). */
  settingsOf(name: string, client: ClusterClient): ClientSettings | undefined {
    const cached = this.clients.get(name);
    return cached?.client === client ? cached.settings : undefined;
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
