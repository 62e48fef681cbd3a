// The cluster registry: names from the directory and classic kubeconfig, aliases, filters, lazy cached clients.
import { type FSWatcher, watch } from "node:fs";
import { stat } from "node:fs/promises";
import { ToolError } from "../errors.js";
import type { ClusterClient } from "../kube/client.js";
import { KubeError } from "../kube/errors.js";
import type { Logger } from "../log.js";
import { abortable } from "../util/abortable.js";
import { deadline } from "../util/deadline.js";
import { readKubeconfigFile } from "../util/read-limited.js";
import { compileClusterFilter } from "./discovery/filter.js";
import { buildClusterIndex, splitContextAddress } from "./discovery/registry.js";
import { resolveClusterName } from "./discovery/resolve.js";
import { scanKubeconfigDir } from "./discovery/scan.js";
import type {
  ClassicResult,
  ClusterIndex,
  ClusterSource,
  ParsedKubeconfig,
  Problem,
} from "./discovery/types.js";

// YAML parsing is loaded on first use only: startup reads file names, nothing more.
async function parseKubeconfig(text: string, source: string): Promise<ParsedKubeconfig> {
  return (await import("./discovery/kubeconfig.js")).parseKubeconfig(text, source);
}

/** Why: what the registry needs from configuration, already resolved to plain values. */
export interface ClusterManagerOptions {
  kubeconfigDir?: string;
  classicPaths: string[];
  aliases: Record<string, string>;
  defaultCluster?: string;
  patterns: string[];
  excludes: string[];
  autoDiscovery: boolean;
  requestTimeoutMs: number;
  logger: Logger;
  /** max_kubeconfig_bytes: larger files are refused before parsing. */
  maxKubeconfigBytes?: number;
}

/** Why: clusters_list details, read from the kubeconfig without contacting the cluster. */
export interface ClusterDetails {
  name: string;
  source: "dir" | "classic";
  file: string;
  context: string;
  server?: string;
  namespace?: string;
  otherContexts: string[];
}

interface CachedClient {
  client: ClusterClient;
  mtimeMs: number;
}

/** Why: one object owns cluster names and clients so tools never look clusters up themselves. */
export class ClusterManager {
  private index: ClusterIndex = { clusters: new Map(), problems: [], hidden: 0 };
  private classic: ClassicResult | undefined;
  private readonly clients = new Map<string, CachedClient>();
  private readonly building = new Map<string, Promise<CachedClient>>();
  private readonly filter: (name: string) => boolean;
  private watcher: FSWatcher | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private extraProblems: Problem[] = [];

  constructor(private readonly opts: ClusterManagerOptions) {
    this.filter = compileClusterFilter({ patterns: opts.patterns, excludes: opts.excludes });
  }

  /** Reads names only (directory listing, classic files); never contacts a cluster. */
  async load(): Promise<void> {
    if (this.opts.classicPaths.length > 0) {
      const { loadClassicKubeconfig } = await import("./discovery/kubeconfig.js");
      this.classic = await loadClassicKubeconfig(this.opts.classicPaths, (p) =>
        readKubeconfigFile(p, this.opts.maxKubeconfigBytes),
      );
    }
    await this.rescan();
    if (this.opts.autoDiscovery && this.opts.kubeconfigDir) this.watch(this.opts.kubeconfigDir);
  }

  /** Re-reads the directory; clients of removed clusters are dropped, changed files rebuild lazily. */
  async rescan(): Promise<void> {
    this.extraProblems = [];
    let dirEntries: Awaited<ReturnType<typeof scanKubeconfigDir>> = [];
    if (this.opts.kubeconfigDir) {
      try {
        dirEntries = await scanKubeconfigDir(this.opts.kubeconfigDir);
      } catch (err) {
        this.extraProblems.push({
          kind: "missing",
          message: (err as Error).message,
          file: this.opts.kubeconfigDir,
        });
        // A watch on a deleted directory never fires again; drop it so the next listing re-reads and re-watches.
        this.watcher?.close();
        this.watcher = undefined;
      }
    }
    const before = new Set(this.index.clusters.keys());
    this.index = buildClusterIndex({ dirEntries, classic: this.classic, filter: this.filter });
    for (const m of this.classic?.missing ?? []) {
      this.extraProblems.push({ kind: "missing", message: `kubeconfig ${m} does not exist`, file: m });
    }
    for (const [key, cached] of this.clients) {
      if (!this.index.clusters.has(splitContextAddress(key).stem) && !this.index.clusters.has(key)) {
        cached.client.close();
        this.clients.delete(key);
      }
    }
    const added = [...this.index.clusters.keys()].filter((n) => !before.has(n));
    const removed = [...before].filter((n) => !this.index.clusters.has(n));
    if (before.size > 0 && (added.length || removed.length)) {
      this.opts.logger.info("cluster set changed", { added: added.join(","), removed: removed.join(",") });
    }
  }

  private watch(dir: string): void {
    try {
      this.watcher = watch(dir, { persistent: false }, () => {
        clearTimeout(this.rescanTimer);
        this.rescanTimer = setTimeout(() => {
          this.rescan().catch((err: Error) => this.opts.logger.warn("rescan failed", { error: err.message }));
        }, 100);
        this.rescanTimer.unref();
      });
      this.watcher.on("error", (err) => {
        // The directory went away (rm -rf, remount): forget the watch; the next listing sets it up again.
        this.opts.logger.warn("directory watch failed", { dir, error: err.message });
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch (err) {
      this.watcher = undefined;
      this.opts.logger.debug("cannot watch the kubeconfig directory yet; it is re-read on every listing", {
        dir,
        error: (err as Error).message,
      });
    }
  }

  /** Without a working directory watch (missing or recreated dir), re-read it so listings are never stale. */
  async refreshIfUnwatched(): Promise<void> {
    const dir = this.opts.kubeconfigDir;
    if (!this.opts.autoDiscovery || !dir || this.watcher) return;
    await this.rescan();
    this.watch(dir);
  }

  /** Visible cluster names, sorted. Filtered clusters never appear. */
  names(): string[] {
    return [...this.index.clusters.keys()].sort();
  }

  /** Collisions, malformed and missing files: reported, never fatal. */
  problems(): Problem[] {
    return [...this.index.problems, ...this.extraProblems, ...this.defaultProblem()];
  }

  /** How many clusters the filters hide (a count only). */
  hiddenCount(): number {
    return this.index.hidden;
  }

  /** Alias table, for listing. */
  aliases(): Record<string, string> {
    return this.opts.aliases;
  }

  private defaultProblem(): Problem[] {
    const d = this.opts.defaultCluster;
    if (!d || this.initialCluster() !== undefined) return [];
    return [{ kind: "filtered-default", message: `default_cluster '${d}' is not an available cluster` }];
  }

  /** The initial active cluster for a new session: default_cluster, else the classic current-context. */
  initialCluster(): string | undefined {
    const d = this.opts.defaultCluster;
    if (d) {
      const target = this.opts.aliases[d] ?? d;
      if (target.includes("/")) {
        // "<file>/<context>": the context is checked when the first call resolves it.
        const { stem, context } = splitContextAddress(target);
        const r = resolveClusterName(stem, this.names(), this.opts.aliases);
        return r.ok ? `${r.name}/${context}` : undefined;
      }
      const r = resolveClusterName(d, this.names(), this.opts.aliases);
      return r.ok ? r.name : undefined;
    }
    const cur = this.classic?.currentContext;
    return cur && this.index.clusters.has(cur) ? cur : undefined;
  }

  /** Name or alias (or `<file-stem>/<context>`) to a canonical name; unknown names list known ones, closest first. */
  async resolve(input: string): Promise<string> {
    const name = input.trim();
    if (!name) throw new ToolError("cluster name is empty", `known clusters: ${this.names().join(", ")}`);
    const aliased = this.opts.aliases[name];
    if (aliased?.includes("/") && !this.index.clusters.has(name)) return this.resolve(aliased); // alias of a <file>/<context>
    let r = resolveClusterName(name, this.names(), this.opts.aliases);
    if (!r.ok && this.opts.kubeconfigDir && !name.includes("/")) {
      await this.rescan(); // a file may have just been written (refresh), before the watcher fired
      r = resolveClusterName(name, this.names(), this.opts.aliases);
    }
    if (r.ok) return r.name;
    const { stem, context } = splitContextAddress(name);
    if (context) {
      const base = resolveClusterName(stem, this.names(), this.opts.aliases);
      const src = base.ok ? this.index.clusters.get(base.name) : undefined;
      if (base.ok && src?.kind === "dir") {
        const parsed = await parseKubeconfig(
          await readKubeconfigFile(src.file, this.opts.maxKubeconfigBytes),
          src.file,
        );
        if (parsed.contexts.some((c) => c.name === context)) return `${base.name}/${context}`;
        throw new ToolError(
          `cluster '${base.name}' has no context '${context}'`,
          `contexts in ${base.name}: ${parsed.contexts.map((c) => c.name).join(", ")}`,
        );
      }
    }
    throw new ToolError(r.message, "call clusters_list to see every available cluster");
  }

  private source(name: string): { src: ClusterSource; context?: string } {
    const direct = this.index.clusters.get(name);
    if (direct) return { src: direct };
    const { stem, context } = splitContextAddress(name);
    const src = this.index.clusters.get(stem);
    if (!src || !context)
      throw new ToolError(`unknown cluster '${name}'`, `known: ${this.names().join(", ")}`);
    return { src, context };
  }

  private async kubeconfigText(src: ClusterSource): Promise<string> {
    if (src.kind === "dir") return readKubeconfigFile(src.file, this.opts.maxKubeconfigBytes);
    const texts = await Promise.all(
      this.opts.classicPaths.map((p) => readKubeconfigFile(p, this.opts.maxKubeconfigBytes).catch(() => "")),
    );
    const { mergeKubeconfigTexts } = await import("./classic-merge.js");
    return mergeKubeconfigTexts(texts, src.context);
  }

  /** The client for a canonical name; built on first use, rebuilt when its kubeconfig file changes. */
  async client(name: string, signal?: AbortSignal): Promise<ClusterClient> {
    const { src, context } = this.source(name);
    const mtimeMs = (await stat(src.file).catch(() => undefined))?.mtimeMs ?? 0;
    const cached = this.clients.get(name);
    if (cached && cached.mtimeMs === mtimeMs) return cached.client;
    const key = `${name}@${mtimeMs}`;
    let pending = this.building.get(key);
    if (!pending) {
      pending = this.buildClient(name, src, context, mtimeMs).finally(() => this.building.delete(key));
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

  private async buildClient(name: string, src: ClusterSource, context: string | undefined, mtimeMs: number) {
    const [{ loadClientSettings }, { createClusterClient }] = await Promise.all([
      import("../kube/kubeconfig-loader.js"),
      import("../kube/client.js"),
    ]);
    const text = await this.kubeconfigText(src);
    const settings = await loadClientSettings(
      { name, file: src.file, text, context: context ?? (src.kind === "classic" ? src.context : undefined) },
      this.opts.requestTimeoutMs,
    );
    return { client: createClusterClient(settings), mtimeMs };
  }

  /** The kubeconfig behind a cluster (file, text, context), for configuration_view; no network. */
  async kubeconfig(
    name: string,
  ): Promise<{ file: string; text: string; context: string; visibleContexts?: string[] }> {
    const { src, context } = this.source(name);
    const text = await this.kubeconfigText(src);
    const ctx =
      context ??
      (src.kind === "classic" ? src.context : (await parseKubeconfig(text, src.file)).currentContext) ??
      "";
    if (src.kind === "dir") return { file: src.file, text, context: ctx };
    // A classic file holds every context, hidden ones too: only the visible clusters may be shown.
    const visibleContexts = this.names().filter((n) => this.index.clusters.get(n)?.kind === "classic");
    return { file: src.file, text, context: ctx, visibleContexts };
  }

  /** Kubeconfig facts for clusters_list details; no network. */
  async details(name: string): Promise<ClusterDetails> {
    const { src, context } = this.source(name);
    const parsed = await parseKubeconfig(await this.kubeconfigText(src), src.file);
    const ctxName = context ?? (src.kind === "classic" ? src.context : parsed.currentContext) ?? "";
    const ctx = parsed.contexts.find((c) => c.name === ctxName);
    return {
      name,
      source: src.kind,
      file: src.file,
      context: ctxName,
      server: ctx ? parsed.clusters.get(ctx.cluster)?.server : undefined,
      namespace: ctx?.namespace,
      otherContexts:
        src.kind === "dir" ? parsed.contexts.map((c) => c.name).filter((c) => c !== ctxName) : [],
    };
  }

  /** Stops watching and closes every connection. */
  close(): void {
    this.watcher?.close();
    clearTimeout(this.rescanTimer);
    for (const c of this.clients.values()) c.client.close();
    this.clients.clear();
  }
}
