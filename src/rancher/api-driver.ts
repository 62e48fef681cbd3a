// The rancher-api driver: lists clusters (following pagination) and writes generateKubeconfig output atomically.
import { join } from "node:path";
import { rancherTokenName, userOfContext } from "../clusters/expiry.js";
import type { Logger } from "../log.js";
import { mapPool } from "../util/pool.js";
import { writeFileAtomic } from "./atomic.js";
import { errorText, RancherError } from "./errors.js";
import { execPluginNote, isSafeClusterName, isValidKubeconfig } from "./local.js";
import { RancherHttp } from "./rancher-http.js";
import type { Scrubber } from "./scrub.js";
import type { RancherSettings } from "./settings.js";
import type { ClusterOutcome, FetchRequest, RefreshDriver, RemoteCluster, TokenExpiry } from "./types.js";

const MAX_PAGES = 1000;
const CONCURRENCY = 4;

interface ClusterPage {
  data?: Array<{ id?: unknown; name?: unknown; state?: unknown }>;
  pagination?: { next?: unknown };
}

/** Why: the pinned Rancher CA lives next to the refresh state, a dotfile the cluster scan ignores. */
export const CA_PIN_FILE = ".k8s-mcp-rancher-ca.pem";

/** Why: works for any Rancher user without NSK: GET /v3/clusters, POST ...?action=generateKubeconfig. */
export class ApiDriver implements RefreshDriver {
  readonly name = "rancher-api" as const;
  private http: RancherHttp | undefined;

  constructor(
    private readonly settings: RancherSettings,
    private readonly logger: Logger,
    private readonly scrub: Scrubber,
  ) {}

  private client(): RancherHttp {
    const { rancherUrl, token } = this.settings;
    if (!rancherUrl || !token) {
      throw new RancherError(
        "config",
        `the rancher-api driver needs ${rancherUrl ? "" : "rancher_url (RANCHER_URL) "}${token ? "" : "rancher_token (RANCHER_TOKEN)"}`.trim(),
        'set them in [nsk], the environment or flags, or install nsk and use driver = "nsk"',
      );
    }
    this.http ??= new RancherHttp({
      baseUrl: rancherUrl,
      token,
      insecure: this.settings.insecure,
      timeoutMs: this.settings.requestTimeoutMs,
      logger: this.logger,
      scrub: this.scrub,
      pinFile: this.settings.dir ? join(this.settings.dir, CA_PIN_FILE) : undefined,
    });
    return this.http;
  }

  /** Every cluster Rancher shows this token, across all pages (pagination.next, same origin only). */
  async list(signal: AbortSignal): Promise<RemoteCluster[]> {
    const http = this.client();
    const out: RemoteCluster[] = [];
    const seen = new Set<string>();
    let next: URL | undefined = http.url("v3/clusters?limit=1000");
    for (let page = 0; next && page < MAX_PAGES; page++) {
      if (seen.has(next.href)) throw new RancherError("invalid", "Rancher's cluster pagination loops");
      seen.add(next.href);
      const body = (await http.json("GET", next, signal)) as ClusterPage;
      if (!Array.isArray(body.data))
        throw new RancherError("invalid", "Rancher's /v3/clusters answer has no data");
      for (const c of body.data) {
        if (typeof c.id !== "string" || typeof c.name !== "string") continue;
        out.push({ id: c.id, name: c.name, state: typeof c.state === "string" ? c.state : undefined });
      }
      const link = body.pagination?.next;
      next = typeof link === "string" && link ? new URL(link, http.base) : undefined;
    }
    return out;
  }

  private async fetchOne(c: RemoteCluster, req: FetchRequest): Promise<ClusterOutcome> {
    if (!c.id) return { name: c.name, change: "failed", detail: "Rancher reported no cluster id" };
    if (!isSafeClusterName(c.name)) {
      return { name: c.name, change: "failed", detail: "the cluster name is not usable as a file name" };
    }
    const http = this.client();
    const target = http.url(`v3/clusters/${encodeURIComponent(c.id)}?action=generateKubeconfig`);
    const body = (await http.json("POST", target, req.signal)) as { config?: unknown };
    const config = typeof body.config === "string" ? body.config : "";
    const previous = req.before.get(c.name);
    const path = previous?.path ?? join(req.dir, `${c.name}.yaml`);
    if (!isValidKubeconfig(config, path)) {
      return {
        name: c.name,
        change: "failed",
        detail: "Rancher returned an invalid kubeconfig; previous file kept",
      };
    }
    req.signal.throwIfAborted();
    await writeFileAtomic(path, config);
    const change = !previous ? "added" : previous.content === config ? "unchanged" : "updated";
    const token = await this.tokenExpiry(config, req.signal);
    return { name: c.name, change, note: execPluginNote(config), ...(token ? { token } : {}) };
  }

  // Rancher tokens are not JWTs: only Rancher knows when the one it minted expires (GET /v3/tokens/<name>).
  // A token without expiry, or a lookup this user may not make, leaves the expiry unknown, not the refresh failed.
  private async tokenExpiry(config: string, signal: AbortSignal): Promise<TokenExpiry | undefined> {
    const { tryReadKubeconfigDoc } = await import("../clusters/discovery/kubeconfig.js");
    const user = userOfContext(tryReadKubeconfigDoc(config, "Rancher's kubeconfig").doc);
    const tokenName = rancherTokenName(typeof user?.token === "string" ? user.token : undefined);
    if (!tokenName) return undefined;
    try {
      const http = this.client();
      const body = (await http.json(
        "GET",
        http.url(`v3/tokens/${encodeURIComponent(tokenName)}`),
        signal,
      )) as {
        expiresAt?: unknown;
      };
      const at = typeof body.expiresAt === "string" ? Date.parse(body.expiresAt) : Number.NaN;
      return Number.isNaN(at) ? undefined : { tokenName, expiresAt: new Date(at).toISOString() };
    } catch (err) {
      if (signal.aborted) throw err;
      this.logger.debug("Rancher did not report the kubeconfig token's expiry", {
        error: this.scrub(errorText(err)),
      });
      return undefined;
    }
  }

  /** Generates kubeconfigs for the targets, a few at a time; each file is replaced atomically on success. */
  async fetch(req: FetchRequest): Promise<{ outcomes: ClusterOutcome[]; warnings: string[] }> {
    const targets = req.targets === "all" ? await this.list(req.signal) : req.targets;
    let done = 0;
    const results = await mapPool(
      targets,
      CONCURRENCY,
      async (c): Promise<ClusterOutcome> => {
        let outcome: ClusterOutcome;
        try {
          outcome = await this.fetchOne(c, req);
        } catch (err) {
          if (req.signal.aborted) throw err;
          outcome = { name: c.name, change: "failed", detail: this.scrub(errorText(err)) };
        }
        done++;
        req.progress(done, targets.length, `${c.name}: ${outcome.change}`);
        return outcome;
      },
      req.signal,
    );
    req.signal.throwIfAborted();
    const outcomes = results.flatMap((r) => (r.status === "done" ? [r.value] : []));
    return { outcomes, warnings: [] };
  }

  close(): void {
    this.http?.close();
  }
}
