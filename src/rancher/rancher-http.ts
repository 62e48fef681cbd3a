// Authenticated JSON calls to Rancher's API over one keep-alive agent; statuses become clear errors.
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { Logger } from "../log.js";
import { authError, RancherError } from "./errors.js";
import { rawRequest, type TlsTrust } from "./raw-http.js";
import type { Scrubber } from "./scrub.js";
import { resolveTrust } from "./trust.js";

/** Why: what the client needs; the token stays inside this object and only ever goes into one header. */
export interface RancherHttpOptions {
  baseUrl: string;
  token: string;
  insecure: boolean;
  timeoutMs: number;
  logger: Logger;
  scrub: Scrubber;
  /** Where a CA learned from /v3/settings/cacerts is pinned (see trust.ts). */
  pinFile?: string;
}

function messageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; code?: unknown };
    if (typeof parsed.message === "string" && parsed.message) return parsed.message;
    if (typeof parsed.code === "string") return parsed.code;
  } catch {
    // not JSON: use the text itself
  }
  return body.trim().slice(0, 200);
}

/** Why: one client per driver, so TLS trust is resolved once and connections are reused. */
export class RancherHttp {
  private agent: Promise<HttpAgent> | undefined;
  private agents: HttpAgent[] = [];
  readonly base: URL;

  constructor(private readonly o: RancherHttpOptions) {
    this.base = new URL(o.baseUrl.endsWith("/") ? o.baseUrl : `${o.baseUrl}/`);
  }

  /** A Rancher path ("v3/clusters") as an absolute URL under rancher_url. */
  url(path: string): URL {
    return new URL(path.replace(/^\//, ""), this.base);
  }

  private getAgent(signal: AbortSignal): Promise<HttpAgent> {
    if (!this.agent) {
      const pending = resolveTrust({
        base: this.base,
        insecure: this.o.insecure,
        timeoutMs: this.o.timeoutMs,
        signal,
        logger: this.o.logger,
        pinFile: this.o.pinFile,
      }).then((trust: TlsTrust) => {
        const opts = { keepAlive: true, maxSockets: 8 };
        const agent =
          this.base.protocol === "https:" ? new HttpsAgent({ ...opts, ...trust }) : new HttpAgent(opts);
        this.agents.push(agent);
        return agent;
      });
      pending.catch(() => {
        if (this.agent === pending) this.agent = undefined; // retry trust on the next refresh
      });
      this.agent = pending;
    }
    return this.agent;
  }

  /** Calls Rancher and returns the parsed JSON; 401/403/404/5xx become RancherErrors with hints. */
  async json(method: "GET" | "POST", target: URL, signal: AbortSignal): Promise<unknown> {
    if (target.origin !== this.base.origin) {
      throw new RancherError(
        "invalid",
        `refusing to send the Rancher token to ${target.origin} (not rancher_url)`,
      );
    }
    const agent = await this.getAgent(signal);
    const res = await rawRequest({
      method,
      url: target,
      agent,
      headers: { Authorization: `Bearer ${this.o.token}` },
      signal,
      timeoutMs: this.o.timeoutMs,
    });
    const what = `${method} ${target.pathname}`;
    if (res.status === 401) throw authError(this.base.origin);
    if (res.status < 200 || res.status >= 300) {
      const detail = this.o.scrub(messageOf(res.body));
      if (res.status === 403) {
        throw new RancherError(
          "forbidden",
          `Rancher refused ${what} (403 Forbidden): ${detail}`,
          "the token's user lacks permission for this cluster, or the token is scoped to another cluster",
          403,
        );
      }
      const hint =
        res.status === 404 ? "check that rancher_url points at the Rancher server itself" : undefined;
      throw new RancherError(
        "http",
        `Rancher answered ${res.status} to ${what}: ${detail}`,
        hint,
        res.status,
      );
    }
    try {
      return JSON.parse(res.body) as unknown;
    } catch {
      throw new RancherError("invalid", `Rancher answered ${what} with something that is not JSON`);
    }
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    for (const a of this.agents) a.destroy();
    this.agents = [];
    this.agent = undefined;
  }
}
