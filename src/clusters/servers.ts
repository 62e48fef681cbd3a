// API servers behind cluster sources, read from the one KubeconfigStore (one parse per file version), for isolation.
// node:crypto is one of the bundle's lazy builtins: it loads with the first hash, not at start-up.
import { createHash } from "node:crypto";
import { normaliseServer } from "../redact/url.js";
import { mergeKubeconfigDocs } from "./classic-merge.js";
import type * as Discovery from "./discovery/kubeconfig.js";
import type { ClusterSource, ParsedKubeconfig } from "./discovery/types.js";
import { KubeconfigStore, type KubeconfigVersion } from "./kubeconfig-store.js";

/**
 * Why: one version of what a cluster source says: a directory file's parse, or a classic list merged for its
 * context. Isolation checks and the client are built from the same SourceVersion, so they cannot disagree.
 */
export interface SourceVersion {
  src: ClusterSource;
  /** Content key: equal keys mean equal documents (a client is cached per name and key). */
  key: string;
  doc: unknown;
  /** The text the document was read from (a file's or the in-cluster one); a merged classic list has none. */
  text?: string;
  /** Why the text does not parse (line and column, never content; without the file name). */
  error?: string;
}

/** Why: isolation compares servers of visible and hidden clusters without building clients or re-reading files. */
export class KubeconfigFacts {
  /** The one reader of kubeconfig files: isolation, clients, configuration_view and the classic merge use it. */
  readonly store: KubeconfigStore;
  private readonly described = new WeakMap<object, ParsedKubeconfig | undefined>();
  private readonly merged = new Map<string, SourceVersion>();
  private readonly lowered = new WeakMap<KubeconfigVersion, { text: string; indirect: boolean }>();
  // The parser module (js-yaml, zod) loads on the first kubeconfig read, not at start-up.
  private discovery: typeof Discovery | undefined;

  constructor(
    private readonly classicPaths: readonly string[],
    private readonly maxBytes?: number,
  ) {
    this.store = new KubeconfigStore(maxBytes);
  }

  /** The current version of a source. A directory file that cannot be read throws the read's own error. */
  async version(src: ClusterSource): Promise<SourceVersion> {
    this.discovery ??= await import("./discovery/kubeconfig.js");
    if (src.kind === "in-cluster") {
      // The pod's own cluster: a kubeconfig written from the mounted token, keyed on what it says (rotation).
      const { inClusterKubeconfig } = await import("./in-cluster.js");
      const text = await inClusterKubeconfig(src, this.maxBytes);
      const key = createHash("sha256").update(text).digest("hex");
      return this.keep(src, key, () => JSON.parse(text), text);
    }
    if (src.kind === "dir") {
      const v = await this.store.read(src.file);
      return { src, key: v.key, doc: v.doc, text: v.text, error: v.error };
    }
    const files = (await Promise.all(this.classicPaths.map((p) => this.store.tryRead(p)))).filter(
      (v) => v !== undefined,
    );
    const key = createHash("sha256")
      .update(`${src.context}\0${files.map((v) => `${v.file}\0${v.key}`).join("\0")}`)
      .digest("hex");
    return this.keep(src, key, () =>
      mergeKubeconfigDocs(
        files.map((f) => f.doc),
        src.context,
      ),
    );
  }

  // A built document's version: an unchanged key keeps its object (and so its client and its parse).
  private keep(src: ClusterSource, key: string, build: () => unknown, text?: string): SourceVersion {
    const hit = this.merged.get(src.name);
    if (hit?.key === key) return hit;
    const v: SourceVersion = { src, key, doc: build(), text };
    this.merged.set(src.name, v);
    return v;
  }

  /** The credential-free reading of a version (cached per parse), or undefined when it is not a kubeconfig. */
  describe(v: Pick<SourceVersion, "doc" | "src">): ParsedKubeconfig | undefined {
    const doc = v.doc;
    if (!doc || typeof doc !== "object" || !this.discovery) return undefined;
    if (this.described.has(doc)) return this.described.get(doc);
    let parsed: ParsedKubeconfig | undefined;
    try {
      parsed = this.discovery.describeKubeconfig(doc, v.src.file);
    } catch (err) {
      if (!(err instanceof this.discovery.KubeconfigError)) throw err;
    }
    this.described.set(doc, parsed);
    return parsed;
  }

  /** The parsed file (credential-free), or undefined when it cannot be read or parsed. */
  async read(src: ClusterSource): Promise<ParsedKubeconfig | undefined> {
    const v = await this.version(src).catch(() => undefined);
    return v && this.describe(v);
  }

  /** The normalised server a version's context talks to (default: its current-context). */
  serverIn(v: SourceVersion, context?: string): string | undefined {
    const f = this.describe(v);
    const name = context ?? (v.src.kind === "classic" ? v.src.context : f?.currentContext);
    const ctx = f?.contexts.find((c) => c.name === name);
    const raw = ctx ? f?.clusters.get(ctx.cluster)?.server : undefined;
    return raw === undefined ? undefined : normaliseServer(raw);
  }

  /** The normalised server a source's context talks to (default: the file's current-context). */
  async serverOf(src: ClusterSource, context?: string): Promise<string | undefined> {
    const v = await this.version(src).catch(() => undefined);
    return v && this.serverIn(v, context);
  }

  /** Every server a source could reach: all cluster entries of a file, or a classic context's one server. */
  async allServersOf(src: ClusterSource): Promise<string[]> {
    if (src.kind !== "dir") {
      const one = await this.serverOf(src);
      return one === undefined ? [] : [one];
    }
    const f = await this.read(src);
    return [...(f?.clusters.values() ?? [])].flatMap((c) => (c.server ? [normaliseServer(c.server)] : []));
  }

  /**
   * Whether a file may name a server on this host, decided without parsing: false only when the text (lowercased)
   * does not contain the host and holds nothing that could spell it differently (escapes, percent-encoding,
   * non-ASCII for IDNA). IP literals (which URL parsing rewrites: `127.1`, `0x7f.0.0.1`) always answer true.
   */
  async mayName(src: ClusterSource, server: string): Promise<boolean> {
    if (src.kind !== "dir") return true;
    let host = "";
    try {
      host = new URL(server).hostname;
    } catch {
      return true;
    }
    if (host === "" || host.startsWith("[") || /^[\d.]+$/.test(host) || host.startsWith("xn--")) return true;
    const v = await this.store.tryRead(src.file);
    if (v === undefined) return false; // unreadable: it names no server at all
    let low = this.lowered.get(v);
    if (!low) {
      const text = v.text.toLowerCase();
      low = { text, indirect: /[\u0080-\uffff]/.test(text) || text.includes("\\") || text.includes("%") };
      this.lowered.set(v, low);
    }
    return low.indirect || low.text.includes(host);
  }

  /** Context names of a directory file, for enumerating `<file>/<context>` addresses. */
  async contextsOf(src: ClusterSource): Promise<string[]> {
    if (src.kind !== "dir") return [];
    return ((await this.read(src))?.contexts ?? []).map((c) => c.name);
  }
}
