// API servers behind cluster sources, read lazily from kubeconfig files (cached per file version), for isolation.

import { normaliseServer } from "../redact/url.js";
import { stat } from "../util/fs-async.js";
import { readKubeconfigFile } from "../util/read-limited.js";
import type { ClusterSource, ParsedKubeconfig } from "./discovery/types.js";

type Parse = (text: string, source: string) => ParsedKubeconfig;

async function parser(): Promise<Parse> {
  return (await import("./discovery/kubeconfig.js")).parseKubeconfigPart;
}

/** Why: isolation compares servers of visible and hidden clusters without building clients or re-reading files. */
export class KubeconfigFacts {
  private readonly cache = new Map<string, { version: string; parsed: ParsedKubeconfig | undefined }>();
  // Lowercased file texts, and whether each could spell a host indirectly (escapes, %-encoding, non-ASCII).
  private readonly texts = new Map<
    string,
    { version: number; text: string | undefined; indirect: boolean }
  >();

  constructor(
    private readonly classicPaths: readonly string[],
    private readonly maxBytes?: number,
  ) {}

  /** The parsed file (credential-free), or undefined when it cannot be read or parsed. */
  async read(file: string): Promise<ParsedKubeconfig | undefined> {
    const st = await stat(file).catch(() => undefined);
    if (!st) return undefined;
    const version = `${st.mtimeMs}:${st.size}`;
    const hit = this.cache.get(file);
    if (hit?.version === version) return hit.parsed;
    let parsed: ParsedKubeconfig | undefined;
    try {
      parsed = (await parser())(await readKubeconfigFile(file, this.maxBytes), file);
    } catch {
      parsed = undefined;
    }
    this.cache.set(file, { version, parsed });
    return parsed;
  }

  // Classic kubeconfig lists merge kubectl-style: the first file that defines a context (or cluster) wins.
  private async classicServer(context: string): Promise<string | undefined> {
    const files = await Promise.all(this.classicPaths.map((p) => this.read(p)));
    const ctx = files.flatMap((f) => f?.contexts ?? []).find((c) => c.name === context);
    if (!ctx) return undefined;
    for (const f of files) {
      const ref = f?.clusters.get(ctx.cluster);
      if (ref) return ref.server;
    }
    return undefined;
  }

  /** The normalised server a source's context talks to (default: the file's current-context). */
  async serverOf(src: ClusterSource, context?: string): Promise<string | undefined> {
    const raw =
      src.kind === "in-cluster"
        ? src.server
        : src.kind === "classic"
          ? await this.classicServer(src.context)
          : await this.read(src.file).then((f) => {
              const name = context ?? f?.currentContext;
              const ctx = f?.contexts.find((c) => c.name === name);
              return ctx ? f?.clusters.get(ctx.cluster)?.server : undefined;
            });
    return raw === undefined ? undefined : normaliseServer(raw);
  }

  /** Every server a source could reach: all cluster entries of a file, or a classic context's one server. */
  async allServersOf(src: ClusterSource): Promise<string[]> {
    if (src.kind !== "dir") {
      const one = await this.serverOf(src);
      return one === undefined ? [] : [one];
    }
    const f = await this.read(src.file);
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
    let hit = this.texts.get(src.file);
    if (hit?.version !== src.mtimeMs) {
      const text = await readKubeconfigFile(src.file, this.maxBytes).then(
        (t) => t.toLowerCase(),
        () => undefined,
      );
      const indirect =
        text !== undefined && (/[\u0080-\uffff]/.test(text) || text.includes("\\") || text.includes("%"));
      hit = { version: src.mtimeMs, text, indirect };
      this.texts.set(src.file, hit);
    }
    if (hit.text === undefined) return false; // unreadable: it names no server at all
    return hit.indirect || hit.text.includes(host);
  }

  /** Context names of a directory file, for enumerating `<file>/<context>` addresses. */
  async contextsOf(src: ClusterSource): Promise<string[]> {
    if (src.kind !== "dir") return [];
    return ((await this.read(src.file))?.contexts ?? []).map((c) => c.name);
  }
}
