// Isolation by API server: a context whose server is a hidden cluster's server is hidden too, and one whose server
// is a read-only cluster's server is read-only too. Servers are read lazily (on resolve, client build or a write).
import type { AddressBook } from "./addresses.js";
import type { ClusterIndex, ClusterSource } from "./discovery/types.js";
import type { KubeconfigFacts } from "./servers.js";

/** Why: the server half of isolation, cached per directory scan (generation) so a call costs map lookups. */
export class ServerFence {
  private hiddenAnswers: { generation: number; answers: Map<string, Promise<boolean>> } | undefined;
  private readOnly: { generation: number; servers: Promise<Set<string>> } | undefined;

  constructor(
    private readonly book: AddressBook,
    private readonly facts: KubeconfigFacts,
  ) {}

  // Every `<file>/<context>` of the visible files, only when some rule names single contexts.
  private async contextAddresses(
    index: ClusterIndex,
  ): Promise<Array<{ src: ClusterSource; context: string }>> {
    if (!this.book.hasContextRules()) return [];
    const dirs = [...index.clusters.values()].filter((s) => s.kind === "dir");
    const lists = await Promise.all(
      dirs.map(async (src) => (await this.facts.contextsOf(src)).map((context) => ({ src, context }))),
    );
    return lists.flat();
  }

  private async collect(
    index: ClusterIndex,
    wholeSources: ClusterSource[],
    pick: (canonical: string) => boolean,
  ) {
    const servers = new Set<string>();
    for (const list of await Promise.all(wholeSources.map((s) => this.facts.allServersOf(s)))) {
      for (const s of list) servers.add(s);
    }
    for (const { src, context } of await this.contextAddresses(index)) {
      if (!pick(`${src.name}/${context}`)) continue;
      const server = await this.facts.serverOf(src, context);
      if (server !== undefined) servers.add(server);
    }
    return servers;
  }

  /**
   * Whether a normalised server is the server of any hidden file, hidden classic context or hidden
   * `<file>/<context>`. Answered per server and cached per scan; files that cannot name the server's host are
   * skipped unparsed (KubeconfigFacts.mayName), so a thousand hidden files cost a substring search each.
   */
  isHiddenServer(server: string, index: ClusterIndex, generation: number): Promise<boolean> {
    if (this.hiddenAnswers?.generation !== generation)
      this.hiddenAnswers = { generation, answers: new Map() };
    let answer = this.hiddenAnswers.answers.get(server);
    if (answer === undefined) {
      answer = this.searchHidden(server, index);
      this.hiddenAnswers.answers.set(server, answer);
    }
    return answer;
  }

  private async searchHidden(server: string, index: ClusterIndex): Promise<boolean> {
    for (const src of index.hiddenSources ?? []) {
      if (!(await this.facts.mayName(src, server))) continue;
      if ((await this.facts.allServersOf(src)).includes(server)) return true;
    }
    for (const { src, context } of await this.contextAddresses(index)) {
      if (this.book.visible(`${src.name}/${context}`)) continue;
      if ((await this.facts.serverOf(src, context)) === server) return true;
    }
    return false;
  }

  /** Normalised servers of every cluster (or context) read_only_clusters names. */
  readOnlyServers(index: ClusterIndex, generation: number): Promise<Set<string>> {
    if (this.readOnly?.generation !== generation) {
      const named = [...index.clusters.values()].filter((s) => this.book.readOnlyByName(s.name));
      const servers = this.collect(index, named, (c) => this.book.readOnlyByName(c));
      this.readOnly = { generation, servers };
    }
    return this.readOnly.servers;
  }
}
