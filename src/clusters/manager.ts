// The cluster registry: names from the directory and classic kubeconfig, aliases, filters, lazy cached clients.
import { type FSWatcher, watch } from "node:fs";
import { ToolError } from "../errors.js";
import type { ClusterClient } from "../kube/client.js";
import { KubeError } from "../kube/errors.js";
import type { ClusterAuth } from "../kube/identity.js";
import type { Logger } from "../log.js";
import { normaliseServer } from "../redact/url.js";
import { AddressBook } from "./addresses.js";
import type { FleetFacts } from "./advice.js";
import { ClientCache } from "./clients.js";
import { buildClusterIndex, splitContextAddress } from "./discovery/registry.js";
import { scanKubeconfigDir } from "./discovery/scan.js";
import type { ClassicResult, ClusterIndex, ClusterSource, Problem, SkippedFile } from "./discovery/types.js";
import { ServerFence } from "./fence.js";
import { IdentityClients } from "./identity-clients.js";
import { type InClusterSource, inClusterNamespace } from "./in-cluster.js";
import { KubeconfigFacts, type SourceVersion } from "./servers.js";

/** Why: what the registry needs from configuration, already resolved to plain values. */
export interface ClusterManagerOptions {
  kubeconfigDir?: string;
  classicPaths: string[];
  aliases: Record<string, string>;
  defaultCluster?: string;
  patterns: string[];
  excludes: string[];
  /** read_only_clusters: names or globs that accept only read-only tools. */
  readOnly?: string[];
  autoDiscovery: boolean;
  requestTimeoutMs: number;
  logger: Logger;
  /** max_kubeconfig_bytes: larger files are refused before parsing. */
  maxKubeconfigBytes?: number;
  /** In-cluster mode: the pod's own cluster, when running in a pod with a mounted token (see in-cluster.ts). */
  inCluster?: InClusterSource;
}

/** Why: clusters_list details, read from the kubeconfig without contacting the cluster. */
export interface ClusterDetails {
  name: string;
  source: ClusterSource["kind"];
  file: string;
  context: string;
  server?: string;
  namespace?: string;
  otherContexts: string[];
}

// Skipped files are listed one per problem up to this many, then counted: a directory of notes stays readable.
const MAX_SKIPPED_LISTED = 10;

function skippedProblems(skipped: SkippedFile[]): Problem[] {
  const listed: Problem[] = skipped.slice(0, MAX_SKIPPED_LISTED).map((s) => ({
    kind: "skipped",
    message: `skipped ${s.file}: it ${s.reason}; ${s.fix}`,
    file: s.file,
  }));
  const more = skipped.length - listed.length;
  if (more > 0)
    listed.push({ kind: "skipped", message: `skipped ${more} more file(s) of the kubeconfig directory` });
  return listed;
}

const HIDDEN_SERVER_HINT = "use a cluster from clusters_list whose API server is not one of a hidden cluster";

/** Why: one object owns cluster names and clients so tools never look clusters up themselves. */
export class ClusterManager {
  private index: ClusterIndex = { clusters: new Map(), problems: [], hidden: 0 };
  private generation = 0;
  private classic: ClassicResult | undefined;
  private readonly clients: ClientCache;
  private readonly identities = new IdentityClients();
  private readonly book: AddressBook;
  private readonly facts: KubeconfigFacts;
  private readonly fence: ServerFence;
  private watcher: FSWatcher | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private extraProblems: Problem[] = [];

  constructor(private readonly opts: ClusterManagerOptions) {
    this.book = new AddressBook({
      aliases: new Map(Object.entries(opts.aliases)),
      patterns: opts.patterns,
      excludes: opts.excludes,
      readOnly: opts.readOnly ?? [],
    });
    this.facts = new KubeconfigFacts(opts.classicPaths, opts.maxKubeconfigBytes);
    this.fence = new ServerFence(this.book, this.facts);
    this.clients = new ClientCache({ requestTimeoutMs: opts.requestTimeoutMs, logger: opts.logger });
  }

  /** Reads names only (directory listing, classic files); never contacts a cluster. */
  async load(): Promise<void> {
    if (this.opts.classicPaths.length > 0) {
      const { loadClassicKubeconfig } = await import("./discovery/kubeconfig.js");
      this.classic = await loadClassicKubeconfig(this.opts.classicPaths, async (p) => {
        const v = await this.facts.store.read(p);
        return { doc: v.doc, error: v.error };
      });
    }
    await this.rescan();
    if (this.opts.autoDiscovery && this.opts.kubeconfigDir) this.watch(this.opts.kubeconfigDir);
  }

  /** Re-reads the directory; clients of removed clusters are dropped, changed files rebuild lazily. */
  async rescan(): Promise<void> {
    this.extraProblems = [];
    let dirEntries: Awaited<ReturnType<typeof scanKubeconfigDir>> = [];
    const skipped: SkippedFile[] = [];
    if (this.opts.kubeconfigDir) {
      try {
        dirEntries = await scanKubeconfigDir(this.opts.kubeconfigDir, skipped);
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
    this.index = buildClusterIndex({
      dirEntries,
      classic: this.classic,
      inCluster: this.opts.inCluster,
      filter: this.book.filter,
    });
    this.book.setIndex(this.index);
    this.generation++;
    this.extraProblems.push(...skippedProblems(skipped));
    for (const m of this.classic?.missing ?? []) {
      this.extraProblems.push({ kind: "missing", message: `kubeconfig ${m} does not exist`, file: m });
    }
    const gone = (key: string): boolean =>
      !this.index.clusters.has(splitContextAddress(key).stem) && !this.index.clusters.has(key);
    this.clients.drop(gone);
    this.identities.drop(gone);
    const files = new Set([
      ...this.opts.classicPaths,
      ...[...this.index.clusters.values(), ...(this.index.hiddenSources ?? [])].map((s) => s.file),
    ]);
    this.facts.store.forget((file) => files.has(file));
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
    return this.book.names().sort();
  }

  /** Collisions, malformed and missing files: reported, never fatal. */
  problems(): Problem[] {
    return [...this.index.problems, ...this.extraProblems, ...this.defaultProblem()];
  }

  /** Where clusters come from and what went wrong: an empty fleet is explained from these (clusters/advice.ts). */
  sourceFacts(): Omit<FleetFacts, "canRefresh"> {
    return {
      kubeconfigDir: this.opts.kubeconfigDir,
      classicPaths: this.opts.classicPaths,
      problems: this.problems(),
      hidden: this.index.hidden,
    };
  }

  /** How many clusters the filters hide (a count only). */
  hiddenCount(): number {
    return this.index.hidden;
  }

  /** The aliases pointing at a cluster, for listing. */
  aliasesOf(name: string): string[] {
    return this.book.aliasesOf(name);
  }

  /** Every address form of a canonical name (itself, its file, symlink target, aliases): for policy matching. */
  namesOf(canonical: string): string[] {
    return this.book.namesOf(canonical);
  }

  private defaultProblem(): Problem[] {
    const d = this.opts.defaultCluster;
    if (!d || this.initialCluster() !== undefined) return [];
    return [{ kind: "filtered-default", message: `default_cluster '${d}' is not an available cluster` }];
  }

  /**
   * The initial active cluster for a new session: default_cluster, else the classic current-context, else the
   * only cluster when there is exactly one (a newcomer's first `pods_list` then just works). The pod's own
   * cluster (in-cluster mode) never displaces a configured one: it counts only when it is the only cluster.
   */
  initialCluster(): string | undefined {
    const d = this.opts.defaultCluster;
    if (d) {
      // "<file>/<context>": the context and its server are checked when the first call resolves it.
      const r = this.book.resolve(d);
      return r.ok ? r.canonical : undefined;
    }
    const cur = this.classic?.currentContext;
    if (cur && this.index.clusters.has(cur)) return cur;
    const names = this.book.names();
    const configured = names.filter((n) => this.index.clusters.get(n)?.kind !== "in-cluster");
    if (configured.length === 1) return configured[0];
    return names.length === 1 ? names[0] : undefined;
  }

  /** The pod's own cluster when in-cluster mode added it (visible and not shadowed by a kubeconfig). */
  inClusterName(): string | undefined {
    const name = this.opts.inCluster?.name;
    return name !== undefined && this.index.clusters.get(name)?.kind === "in-cluster" ? name : undefined;
  }

  /** Any address form to a canonical name; unknown, hidden or server-hidden addresses are refused. */
  async resolve(input: string): Promise<string> {
    let r = this.book.resolve(input);
    if (!r.ok && this.opts.kubeconfigDir && !input.includes("/") && input.trim()) {
      await this.rescan(); // a file may have just been written (refresh), before the watcher fired
      r = this.book.resolve(input);
    }
    if (!r.ok) {
      const known = this.names().join(", ");
      throw new ToolError(r.message, input.trim() ? r.hint : `known clusters: ${known}`);
    }
    if (r.context !== undefined) {
      const contexts = await this.visibleContexts(r.source);
      if (!contexts.includes(r.context)) {
        throw new ToolError(
          `cluster '${r.source.name}' has no context '${r.context}'`,
          `contexts in ${r.source.name}: ${contexts.join(", ") || "(none readable)"}`,
        );
      }
    }
    await this.assertReachable(r.canonical, r.source, r.context);
    return r.canonical;
  }

  /** Whether a visible name may be used (its server is not a hidden cluster's): fleet selection skips it if not. */
  async reachable(canonical: string): Promise<boolean> {
    try {
      const { src, context } = this.source(canonical);
      await this.assertReachable(canonical, src, context);
      return true;
    } catch {
      return false;
    }
  }

  /** read_only_clusters on every form of the name, and on the API server of every read-only cluster. */
  async isReadOnly(canonical: string): Promise<boolean> {
    if (!this.opts.readOnly?.length) return false;
    if (this.book.readOnlyByName(canonical)) return true;
    const servers = await this.fence.readOnlyServers(this.index, this.generation);
    if (servers.size === 0) return false;
    const { src, context } = this.source(canonical);
    const server = await this.facts.serverOf(src, context);
    return server !== undefined && servers.has(server);
  }

  private async assertHiddenServer(canonical: string, server: string | undefined): Promise<void> {
    if (server === undefined) return;
    if (await this.fence.isHiddenServer(normaliseServer(server), this.index, this.generation)) {
      throw new ToolError(
        `cluster '${canonical}' is not available: its API server is that of a cluster hidden by cluster_pattern/exclude_clusters`,
        HIDDEN_SERVER_HINT,
      );
    }
  }

  private async assertReachable(canonical: string, src: ClusterSource, context?: string): Promise<void> {
    if (!this.isolating()) return;
    await this.assertHiddenServer(canonical, await this.facts.serverOf(src, context));
  }

  private isolating(): boolean {
    return Boolean(this.index.hiddenSources?.length) || this.book.hasContextRules();
  }

  // The contexts of a directory file that may be addressed: visible by name and not on a hidden server.
  private async visibleContexts(src: ClusterSource): Promise<string[]> {
    const parsed = src.kind === "dir" ? await this.facts.read(src) : undefined;
    if (!parsed) return [];
    const out: string[] = [];
    for (const ctx of parsed.contexts) {
      const current = ctx.name === parsed.currentContext;
      if (!current && !this.book.visible(`${src.name}/${ctx.name}`)) continue;
      const server = await this.facts.serverOf(src, ctx.name);
      if (server !== undefined && (await this.fence.isHiddenServer(server, this.index, this.generation)))
        continue;
      out.push(ctx.name);
    }
    return out;
  }

  private source(name: string): { src: ClusterSource; context?: string } {
    const direct = this.index.clusters.get(name);
    if (direct) return { src: direct };
    const { stem, context } = splitContextAddress(name);
    const src = this.index.clusters.get(stem);
    if (!src || !context || src.kind !== "dir" || !this.book.visible(name))
      throw new ToolError(`unknown cluster '${name}'`, `known: ${this.names().join(", ")}`);
    return { src, context };
  }

  /**
   * The client for a canonical name, built from the file's current version (its content): isolation is checked
   * on that same version, so the server checked is the server the client talks to.
   */
  async client(name: string, signal?: AbortSignal, as?: ClusterAuth): Promise<ClusterClient> {
    const { src, context } = this.source(name);
    const version = await this.facts.version(src);
    if (this.isolating()) await this.assertHiddenServer(name, this.facts.serverIn(version, context));
    const client = await this.clients.get(name, version, context, signal);
    // [team] cluster_auth: a client acting as the caller, derived from this one (never the server's own client).
    if (!as) return client;
    const settings = this.clients.settingsOf(name, client);
    if (!settings) throw new KubeError("kubeconfig", `the client of '${name}' changed while in use; retry`);
    return this.identities.get(name, client, settings, as);
  }

  /**
   * The kubeconfig behind a cluster (file, text, context) for configuration_view: reads the file only, never
   * builds a client (it must work when credentials are broken). `visibleContexts` lists what may be shown.
   */
  async kubeconfig(
    name: string,
  ): Promise<{ file: string; version: SourceVersion; context: string; visibleContexts: string[] }> {
    const { src, context } = this.source(name);
    const version = await this.facts.version(src);
    if (this.isolating()) await this.assertHiddenServer(name, this.facts.serverIn(version, context));
    if (src.kind === "dir") {
      const ctx = context ?? this.facts.describe(version)?.currentContext ?? "";
      return { file: src.file, version, context: ctx, visibleContexts: await this.visibleContexts(src) };
    }
    if (src.kind === "in-cluster")
      return { file: src.file, version, context: src.name, visibleContexts: [src.name] };
    // A classic file holds every context, hidden ones too: only the reachable visible clusters may be shown.
    const classic = this.names().filter((n) => this.index.clusters.get(n)?.kind === "classic");
    const shown = (
      await Promise.all(classic.map(async (n) => ((await this.reachable(n)) ? [n] : [])))
    ).flat();
    return { file: src.file, version, context: src.context, visibleContexts: shown };
  }

  /** The kubeconfig document and context behind a cluster, for credential expiry: the version clients use. */
  async credentialSource(name: string): Promise<{ file: string; doc: unknown; context?: string }> {
    const { src, context } = this.source(name);
    const version = await this.facts.version(src);
    if (this.isolating()) await this.assertHiddenServer(name, this.facts.serverIn(version, context));
    const ctx = context ?? (src.kind === "classic" ? src.context : undefined);
    return { file: src.file, doc: version.doc, context: ctx };
  }

  /** The exec plugin's last credential expiry for a cluster whose client exists; never builds one. */
  execCredentialExpiry(name: string): number | undefined {
    return this.clients.peek(name)?.credentialExpiresAt();
  }

  /** Kubeconfig facts for clusters_list details; no network. */
  async details(name: string): Promise<ClusterDetails> {
    const { src, context } = this.source(name);
    await this.assertReachable(name, src, context);
    if (src.kind === "in-cluster") {
      const namespace = await inClusterNamespace(src);
      return {
        name,
        source: src.kind,
        file: src.file,
        context: name,
        server: src.server,
        namespace,
        otherContexts: [],
      };
    }
    const version = src.kind === "dir" ? await this.facts.version(src) : undefined; // throws the read's reason
    const parsed = version && this.facts.describe(version);
    if (src.kind === "dir" && !parsed)
      throw new ToolError(`kubeconfig ${src.file}: ${version?.error ?? "cannot be parsed"}`);
    const ctxName = context ?? (src.kind === "classic" ? src.context : parsed?.currentContext) ?? "";
    const contexts = parsed?.contexts ?? this.classic?.contexts ?? [];
    const ctx = contexts.find((c) => c.name === ctxName);
    const server = await this.facts.serverOf(src, context);
    const shown = parsed && ctx ? parsed.clusters.get(ctx.cluster)?.server : undefined;
    return {
      name,
      source: src.kind,
      file: src.file,
      context: ctxName,
      server: shown ?? server,
      namespace: ctx?.namespace,
      otherContexts: src.kind === "dir" ? (await this.visibleContexts(src)).filter((c) => c !== ctxName) : [],
    };
  }

  /** Stops watching and closes every connection. */
  close(): void {
    this.watcher?.close();
    clearTimeout(this.rescanTimer);
    this.identities.drop(() => true);
    this.clients.close();
  }
}
