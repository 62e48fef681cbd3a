// The nsk driver: runs the nsk CLI (piped stdio, env credentials, timeout, cancel) and judges by the directory.
import { chmod } from "node:fs/promises";
import type { Logger } from "../log.js";
import { writeFileAtomic } from "./atomic.js";
import { RancherError } from "./errors.js";
import { execPluginNote, isValidKubeconfig, type LocalFile, readLocalFiles } from "./local.js";
import { parseClusterList } from "./nsk-list.js";
import type { Scrubber } from "./scrub.js";
import type { RancherSettings } from "./settings.js";
import { exactNamesPattern, expandArgs } from "./templates.js";
import type { ClusterOutcome, FetchRequest, RefreshDriver, RemoteCluster } from "./types.js";

interface RunResult {
  exitCode?: number;
  stdout: string;
  stderr: string;
  notFound: boolean;
}

function tail(text: string, lines = 5): string {
  return text.trim().split("\n").slice(-lines).join(" | ").slice(0, 500);
}

/** Why: for users whose Rancher access goes through NSK (profiles, SSO); NSK writes the files itself. */
export class NskDriver implements RefreshDriver {
  readonly name = "nsk" as const;

  constructor(
    private readonly settings: RancherSettings,
    private readonly logger: Logger,
    private readonly scrub: Scrubber,
  ) {}

  private env(dir: string): Record<string, string> {
    const s = this.settings;
    const env: Record<string, string> = { NSK_CONFDIR: dir, RANCHER_INSECURE: String(s.insecure) };
    if (s.rancherUrl) env.RANCHER_URL = s.rancherUrl;
    if (s.token) env.RANCHER_TOKEN = s.token; // environment, never argv (argv is visible in ps)
    if (s.profile) env.NSK_PROFILE = s.profile;
    return env;
  }

  private async run(args: string[], dir: string, signal: AbortSignal, onLine?: (l: string) => void) {
    const { execa } = await import("execa");
    const file = this.settings.nskBinary ?? this.settings.nskPath;
    this.logger.debug("running nsk", { file, args: this.scrub(args.join(" ")) });
    const child = execa(file, args, {
      env: this.env(dir),
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      cancelSignal: signal,
      forceKillAfterDelay: 2000,
      reject: false,
      maxBuffer: 16 * 1024 * 1024,
    });
    if (onLine) {
      let buffered = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        buffered += chunk.toString("utf8");
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const l of lines) onLine(l);
      });
    }
    const r = await child;
    const code = (r as { code?: string }).code;
    const result: RunResult = {
      exitCode: r.exitCode,
      stdout: String(r.stdout ?? ""),
      stderr: String(r.stderr ?? ""),
      notFound: code === "ENOENT" || code === "EACCES",
    };
    if (result.notFound) {
      throw new RancherError(
        "config",
        `the nsk binary '${this.settings.nskPath}' was not found or is not executable`,
        'install nsk, set nsk_path to its absolute path, or use driver = "rancher-api"',
      );
    }
    return result;
  }

  /** `nsk cluster list` (list_args); undefined when it fails, so the refresh falls back to fetching all. */
  async list(signal: AbortSignal): Promise<RemoteCluster[] | undefined> {
    const args = expandArgs(this.settings.listArgs, this.values("", this.settings.dir ?? ""));
    const r = await this.run(args, this.settings.dir ?? "", signal);
    signal.throwIfAborted();
    if (r.exitCode !== 0) {
      this.logger.warn("nsk cluster list failed; refreshing every cluster", {
        exitCode: r.exitCode,
        stderr: this.scrub(tail(r.stderr)),
      });
      return undefined;
    }
    return parseClusterList(r.stdout);
  }

  private values(pattern: string, dir: string) {
    const s = this.settings;
    return { config_dir: dir, profile: s.profile, cluster_pattern: pattern, rancher_url: s.rancherUrl };
  }

  /** Runs the refresh command, then diffs the directory; a file NSK broke is restored from before. */
  async fetch(req: FetchRequest): Promise<{ outcomes: ClusterOutcome[]; warnings: string[] }> {
    const warnings: string[] = [];
    const names = req.targets === "all" ? undefined : req.targets.map((t) => t.name);
    const pattern = names ? exactNamesPattern(names) : (this.settings.clusterPattern ?? "");
    const usesPattern = this.settings.refreshArgs.some((a) => /\{(cluster_pattern|pattern)\}/.test(a));
    if (names && !usesPattern)
      warnings.push("refresh_args has no {cluster_pattern}: nsk regenerated every cluster");
    const args = expandArgs(this.settings.refreshArgs, this.values(pattern, req.dir));
    const total = names?.length ?? 0;
    const seen = new Set<string>();
    const r = await this.run(args, req.dir, req.signal, (line) => {
      const hit = names?.find((n) => !seen.has(n) && line.includes(n));
      if (hit) {
        seen.add(hit);
        req.progress(seen.size, total, `${hit}: written by nsk`);
      }
    });
    const outcomes = await this.judge(req.before, await readLocalFiles(req.dir), names, r);
    req.signal.throwIfAborted();
    const failedRun = r.exitCode !== 0;
    if (failedRun) {
      const why = `nsk exited with code ${r.exitCode ?? "?"}: ${this.scrub(tail(r.stderr || r.stdout)) || "no output"}`;
      if (!outcomes.some((o) => o.change === "added" || o.change === "updated")) {
        throw new RancherError(
          "nsk",
          why,
          "run the same nsk command by hand to see the problem (token, profile, VPN)",
        );
      }
      warnings.push(why);
    }
    return { outcomes, warnings };
  }

  private async judge(
    before: Map<string, LocalFile>,
    after: Map<string, LocalFile>,
    names: string[] | undefined,
    r: RunResult,
  ): Promise<ClusterOutcome[]> {
    const out = new Map<string, ClusterOutcome>();
    for (const [name, cur] of after) {
      const prev = before.get(name);
      if (prev && prev.content === cur.content) continue;
      if (isValidKubeconfig(cur.content, cur.path)) {
        await chmod(cur.path, 0o600).catch(() => {});
        out.set(name, { name, change: prev ? "updated" : "added", note: execPluginNote(cur.content) });
      } else if (prev) {
        await writeFileAtomic(prev.path, prev.content);
        out.set(name, {
          name,
          change: "failed",
          detail: "nsk wrote an invalid kubeconfig; previous file restored",
        });
      } else {
        out.set(name, { name, change: "failed", detail: "nsk wrote an invalid kubeconfig" });
      }
    }
    for (const [name, prev] of before) {
      if (after.has(name)) continue;
      await writeFileAtomic(prev.path, prev.content); // files are never deleted, not even by nsk
      out.set(name, {
        name,
        change: "unchanged",
        detail: "nsk removed it; restored (vanished clusters are kept)",
      });
    }
    const failure = r.exitCode === 0 ? undefined : `nsk exited with code ${r.exitCode ?? "?"}`;
    for (const name of names ?? []) {
      if (out.has(name)) continue;
      if (failure) out.set(name, { name, change: "failed", detail: `${failure}; previous file kept` });
      else if (after.has(name)) out.set(name, { name, change: "unchanged", detail: "nsk left it as it was" });
      else out.set(name, { name, change: "failed", detail: "nsk wrote no kubeconfig for it" });
    }
    return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  close(): void {}
}
