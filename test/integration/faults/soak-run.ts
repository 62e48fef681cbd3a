// The soak: mixed calls over 3 real clusters through the BUILT binary on stdio and on HTTP (loopback only),
// one apiserver paused (SIGSTOP) and resumed (SIGCONT) by its pid in the middle. Counts misrouted answers and
// samples RSS and open descriptors of both server processes. Used by `npm run bench -- soak` (10 minutes)
// and by soak.test.ts (60 seconds).
import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { CLI_PATH, INITIALIZE_PARAMS, spawnServer } from "../../helpers/stdio-process.js";
import { apiserverPid, memoryMiB, openFds } from "./proc.js";

/** Why: what a soak run needs: three cluster names (one to pause), their kubeconfig directory, a duration. */
export interface SoakOptions {
  clusters: readonly string[];
  /** The cluster whose apiserver is paused, and that apiserver's port. */
  paused: { name: string; port: number };
  kubeconfigDir: string;
  workDir: string;
  durationMs: number;
  workersPerTransport: number;
  log: (line: string) => void;
}

/** Why: per server process: memory and descriptors at the start (after warm-up), peak and end. */
export interface ProcessFigures {
  pid: number;
  rssStartMiB: number;
  rssEndMiB: number;
  rssPeakMiB: number;
  fdStart: number;
  fdEnd: number;
  fdPeak: number;
}

/** Why: everything a soak run measured. */
export interface SoakFigures {
  calls: number;
  okCalls: number;
  misrouted: string[];
  /** Failed calls on clusters that were never paused (expected 0). */
  healthyErrors: string[];
  pausedErrors: number;
  okOnPausedAfterResume: number;
  pausedForMs: number;
  stdio: ProcessFigures;
  http: ProcessFigures;
  exitCodes: { stdio: number | null; http: number | null };
}

type Call = { tool: string; args: Record<string, unknown>; asked: string[] };

function mix(clusters: readonly string[], i: number): Call {
  const c = clusters[i % clusters.length] as string;
  switch (i % 7) {
    case 0:
      return { tool: "pods_list", args: { cluster: c, limit: 50 }, asked: [c] };
    case 1:
      return {
        tool: "resources_list",
        args: { cluster: c, apiVersion: "v1", kind: "ConfigMap", limit: 50 },
        asked: [c],
      };
    case 2:
      return { tool: "events_list", args: { cluster: c }, asked: [c] };
    case 3:
      return {
        tool: "clusters_status",
        args: { clusters: [...clusters], timeout_seconds: 2 },
        asked: [...clusters],
      };
    case 4:
      return {
        tool: "clusters_exec_all",
        args: { operation: "namespaces_list", clusters: [...clusters], timeout_seconds: 5 },
        asked: [...clusters],
      };
    default:
      return { tool: "namespaces_list", args: { cluster: c }, asked: [c] };
  }
}

function textOf(r: CallToolResult): string {
  return r.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}

interface Row {
  cluster?: string;
  status?: string;
}

// The rows of a fleet answer (clusters_status, clusters_exec_all): cluster and status each.
function fleetRows(r: CallToolResult): Row[] | undefined {
  const s = (r.structuredContent ?? {}) as { clusters?: Row[]; results?: Row[] };
  return s.clusters ?? s.results;
}

// The clusters an answer says it is about: structured `cluster`, the rows of a fleet answer, or the error text.
function answeredClusters(r: CallToolResult): string[] {
  const s = (r.structuredContent ?? {}) as { cluster?: string };
  if (s.cluster) return [s.cluster];
  const rows = fleetRows(r);
  if (rows) return rows.map((x) => x.cluster ?? "?");
  const m = /cluster '([^']+)'/.exec(textOf(r));
  return m?.[1] ? [m[1]] : [];
}

interface Sampler {
  stop: () => ProcessFigures;
  markStart: () => void;
}

function sample(pid: number): Sampler {
  const rss: number[] = [];
  const fds: number[] = [];
  let startAt = 0;
  const tick = (): void => {
    rss.push(memoryMiB(pid).rss);
    fds.push(openFds(pid));
  };
  tick();
  const timer = setInterval(tick, 1000);
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return {
    markStart: () => {
      startAt = rss.length;
    },
    stop: () => {
      clearInterval(timer);
      tick();
      const tail = Math.max(1, Math.floor((rss.length - startAt) / 10));
      const head = (xs: number[]) => median(xs.slice(startAt, startAt + tail));
      const end = (xs: number[]) => median(xs.slice(-tail));
      return {
        pid,
        rssStartMiB: head(rss),
        rssEndMiB: end(rss),
        rssPeakMiB: memoryMiB(pid).peak,
        fdStart: head(fds),
        fdEnd: end(fds),
        fdPeak: Math.max(...fds.slice(startAt)),
      };
    },
  };
}

// Node 24's V8 sizes its young generation from the machine's memory (here up to ~100 MiB more RSS within a minute,
// measured), which is not retention. The servers run with Node 20's 16 MiB semi-space, so RSS growth between warm-up
// and end measures what is kept (measured on Node 24 with it: +27 / +16 MiB in 60 s, against +80 / +96 without).
const SERVER_NODE_OPTIONS = "--max-semi-space-size=16";

async function startHttpCli(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI_PATH, ...args, "--port", "0"], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, KUBECONFIG: "", NODE_OPTIONS: SERVER_NODE_OPTIONS },
  });
  let err = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`HTTP server did not start:\n${err}`)), 30_000);
    child.stderr?.on("data", (c: Buffer) => {
      if (err.length < 20_000) err += c.toString("utf8");
      const m = /serving MCP on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(err);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once("exit", (code) => reject(new Error(`HTTP server exited ${code}:\n${err}`)));
  });
  child.stderr?.resume();
  return { child, url };
}

/** Why: runs the soak and returns its figures; it always resumes the paused apiserver and stops both servers. */
export async function runSoak(o: SoakOptions): Promise<SoakFigures> {
  const pid = apiserverPid(o.paused.port);
  if (pid === undefined) throw new Error(`no kube-apiserver listening on port ${o.paused.port}`);
  const toml = join(o.workDir, "soak.toml");
  await writeFile(toml, 'request_timeout = "3s"\nlog_level = "warn"\n');
  const args = ["--kubeconfig-dir", o.kubeconfigDir, "--config", toml];
  const stdio = spawnServer(args, { NODE_OPTIONS: SERVER_NODE_OPTIONS });
  const http = await startHttpCli([...args, "--log-level", "info"]); // its URL is logged at info
  const figures: SoakFigures = {
    calls: 0,
    okCalls: 0,
    misrouted: [],
    healthyErrors: [],
    pausedErrors: 0,
    okOnPausedAfterResume: 0,
    pausedForMs: 0,
    stdio: undefined as unknown as ProcessFigures,
    http: undefined as unknown as ProcessFigures,
    exitCodes: { stdio: null, http: null },
  };
  const httpClients: Client[] = [];
  let paused = false;
  let resumed = false;
  let resumedAt = 0;
  try {
    await stdio.request("initialize", INITIALIZE_PARAMS, 30_000);
    stdio.notify("notifications/initialized");
    for (let i = 0; i < o.workersPerTransport; i++) {
      const client = new Client({ name: `soak-${i}`, version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
      httpClients.push(client);
    }
    const samplers = { stdio: sample(stdio.child.pid as number), http: sample(http.child.pid as number) };
    const started = Date.now();
    const deadline = started + o.durationMs;
    let warm = false;
    const check = (call: Call, r: CallToolResult, via: string): void => {
      figures.calls++;
      const when = `at ${((Date.now() - started) / 1000).toFixed(0)} s${paused && !resumed ? " (during the pause)" : ""}`;
      const named = answeredClusters(r);
      const wrong = named.filter((n) => !call.asked.includes(n));
      if (wrong.length || (call.asked.length === 1 && named.length === 0))
        figures.misrouted.push(
          `${via} ${call.tool} asked ${call.asked.join(",")} answered ${named.join(",") || "?"}`,
        );
      // While paused (and a few seconds after, as its connections recover) the paused cluster may fail.
      const pauseWindow = paused && (!resumed || Date.now() - resumedAt < 5000);
      const single = call.asked.length === 1;
      const onPaused = single && call.asked[0] === o.paused.name;
      if (!r.isError) figures.okCalls++;
      if (!r.isError && onPaused && resumed && !pauseWindow) figures.okOnPausedAfterResume++;
      if (r.isError && onPaused && pauseWindow) figures.pausedErrors++;
      else if (r.isError)
        figures.healthyErrors.push(`${via} ${call.tool} ${when}: ${textOf(r).slice(0, 200)}`);
      for (const row of fleetRows(r) ?? []) {
        if (row.status === "ok" || (row.cluster === o.paused.name && pauseWindow)) continue;
        figures.healthyErrors.push(`${via} ${call.tool} ${when}: ${row.cluster} ${row.status}`);
      }
    };
    const worker = async (via: "stdio" | "http", w: number): Promise<void> => {
      for (let i = w; Date.now() < deadline; i += o.workersPerTransport) {
        const call = mix(o.clusters, i);
        if (via === "stdio") {
          const res = await stdio.request("tools/call", { name: call.tool, arguments: call.args }, 30_000);
          check(call, res.result as CallToolResult, via);
        } else {
          const client = httpClients[w] as Client;
          check(
            call,
            (await client.callTool({ name: call.tool, arguments: call.args })) as CallToolResult,
            via,
          );
        }
      }
    };
    const schedule = (async () => {
      const at = (f: number) => started + f * o.durationMs;
      const until = async (t: number) => {
        while (Date.now() < t) await new Promise((r) => setTimeout(r, Math.min(250, t - Date.now())));
      };
      await until(at(0.15));
      warm = true;
      samplers.stdio.markStart();
      samplers.http.markStart();
      await until(at(0.4));
      process.kill(pid, "SIGSTOP");
      paused = true;
      const pausedAt = Date.now();
      o.log(`paused ${o.paused.name} (apiserver pid ${pid})`);
      await until(at(0.6));
      process.kill(pid, "SIGCONT");
      figures.pausedForMs = Date.now() - pausedAt;
      resumed = true;
      resumedAt = Date.now();
      o.log(`resumed ${o.paused.name} after ${figures.pausedForMs} ms`);
    })();
    await Promise.all([
      schedule,
      ...Array.from({ length: o.workersPerTransport }, (_, w) => worker("stdio", w)),
      ...Array.from({ length: o.workersPerTransport }, (_, w) => worker("http", w)),
    ]);
    if (!warm) throw new Error("soak ended before its warm-up");
    figures.stdio = samplers.stdio.stop();
    figures.http = samplers.http.stop();
  } finally {
    if (paused && !resumed) process.kill(pid, "SIGCONT");
    await Promise.all(httpClients.map((c) => c.close().catch(() => {})));
    stdio.child.stdin?.end();
    http.child.kill("SIGTERM");
    figures.exitCodes.stdio = (await stdio.exited).code;
    figures.exitCodes.http = await new Promise<number | null>((resolve) =>
      http.child.exitCode !== null
        ? resolve(http.child.exitCode)
        : http.child.once("exit", (code) => resolve(code)),
    );
  }
  return figures;
}

/** Why: the bounds a soak must stay within, stated once for the bench and the test. */
export const SOAK_BOUNDS = { rssGrowthMiB: 64, fdGrowth: 16 } as const;

/** Why: the problems a run shows against SOAK_BOUNDS; empty when it passed. */
export function soakProblems(f: SoakFigures): string[] {
  const problems: string[] = [];
  if (f.misrouted.length) problems.push(`${f.misrouted.length} misrouted answers, e.g. ${f.misrouted[0]}`);
  if (f.healthyErrors.length)
    problems.push(
      `${f.healthyErrors.length} errors on healthy clusters: ${f.healthyErrors.slice(0, 5).join("; ")}`,
    );
  if (f.okOnPausedAfterResume === 0)
    problems.push("no successful call on the paused cluster after it resumed");
  for (const [name, p] of [
    ["stdio", f.stdio],
    ["http", f.http],
  ] as const) {
    if (p.rssEndMiB - p.rssStartMiB > SOAK_BOUNDS.rssGrowthMiB)
      problems.push(`${name} RSS grew ${(p.rssEndMiB - p.rssStartMiB).toFixed(1)} MiB`);
    if (p.fdEnd - p.fdStart > SOAK_BOUNDS.fdGrowth) problems.push(`${name} fds grew ${p.fdEnd - p.fdStart}`);
  }
  if (f.exitCodes.stdio !== 0 || f.exitCodes.http !== 0)
    problems.push(`exit codes stdio=${f.exitCodes.stdio} http=${f.exitCodes.http}`);
  return problems;
}

/** Why: one printable summary for the bench output and the test log. */
export function soakSummary(f: SoakFigures): string[] {
  const p = (name: string, x: ProcessFigures) =>
    `${name}: RSS ${x.rssStartMiB.toFixed(1)} -> ${x.rssEndMiB.toFixed(1)} MiB (peak ${x.rssPeakMiB.toFixed(1)}), fds ${x.fdStart} -> ${x.fdEnd} (peak ${x.fdPeak})`;
  return [
    `calls ${f.calls} (ok ${f.okCalls}), misrouted ${f.misrouted.length}, errors on healthy clusters ${f.healthyErrors.length}`,
    `paused cluster: ${f.pausedErrors} errors while paused ${f.pausedForMs} ms, ${f.okOnPausedAfterResume} ok calls after resume`,
    p("stdio server", f.stdio),
    p("http server", f.http),
    `bounds: RSS growth <= ${SOAK_BOUNDS.rssGrowthMiB} MiB, fd growth <= ${SOAK_BOUNDS.fdGrowth}; exit codes stdio=${f.exitCodes.stdio} http=${f.exitCodes.http}`,
  ];
}
