// HTTP throughput: calls/second and p99 latency over Streamable HTTP with 1, 10 and 50 concurrent sessions.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { FetchLike } from "@modelcontextprotocol/client";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import type { ControlPlaneInfo } from "../test/harness/controlplane.js";
import { createPods } from "../test/harness/pods.js";
import { withControlPlane } from "./controlplane.js";
import { percentile } from "./stats.js";
import type { BenchScenario } from "./types.js";

const CLI = fileURLToPath(new URL("../dist/cli.cjs", import.meta.url));
const CONCURRENCY: readonly number[] = [1, 10, 50];
const CELL_MS = Number(process.env.BENCH_HTTP_MS ?? 3000);
const MAX_CALLS_PER_CELL = 20_000;
const CLUSTER = "c1-sv5";
const PODS = 30;

interface CallSpec {
  label: string;
  tool: string;
  args: Record<string, unknown>;
}

interface Cell {
  label: string;
  sessions: number;
  calls: number;
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
}

async function startServer(
  kubeconfigDir: string,
): Promise<{ child: ChildProcess; url: string; problems: string[] }> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [CLI, "--kubeconfig-dir", kubeconfigDir, "--port", "0"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  const problems: string[] = [];
  child.stderr?.on("data", (c: Buffer) => {
    for (const line of c.toString("utf8").split("\n")) {
      if (/ (WARN|ERROR) |Warning/.test(line) && problems.length < 100) problems.push(line.trim());
    }
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${err}`)), 20_000);
    child.stderr?.on("data", (c: Buffer) => {
      if (err.length < 64_000) err += c.toString("utf8");
      const m = /serving MCP on (http:\/\/\S+\/mcp)/.exec(err);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}):\n${err}`));
    });
  });
  return { child, url, problems };
}

async function stopServer(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  return exited;
}

// Node's fetch (undici) drops a request's abort listener only when the request is garbage-collected, so
// thousands of calls through one transport's signal pile up listeners (and trip the leak warning). The
// benchmark's fetches carry no signal; the server's SIGTERM at the end closes whatever is still open.
const fetchWithoutSignal: FetchLike = (url, init) => fetch(url, { ...init, signal: null });

async function openSession(url: string): Promise<Client> {
  const client = new Client({ name: "k8s-mcp-bench", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: fetchWithoutSignal }));
  const r = await client.callTool({ name: "clusters_switch", arguments: { cluster: CLUSTER } });
  if (r.isError) throw new Error(`clusters_switch failed: ${JSON.stringify(r.content)}`);
  return client;
}

async function runCell(clients: readonly Client[], spec: CallSpec): Promise<Cell> {
  const call = async (c: Client): Promise<boolean> => {
    const r = await c.callTool({ name: spec.tool, arguments: spec.args });
    return !r.isError;
  };
  await Promise.all(clients.map(async (c) => Promise.all([call(c), call(c)]))); // warm-up
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + CELL_MS;
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < deadline && latencies.length + errors < MAX_CALLS_PER_CELL) {
        const t0 = performance.now();
        const ok = await call(c).catch(() => false);
        if (ok) latencies.push(performance.now() - t0);
        else errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    label: spec.label,
    sessions: clients.length,
    calls: latencies.length,
    errors,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

function table(cells: readonly Cell[]): string[] {
  const rows = [
    ["call", "sessions", "calls", "errors", "calls/s", "p50 ms", "p99 ms"],
    ...cells.map((c) => [
      c.label,
      String(c.sessions),
      String(c.calls),
      String(c.errors),
      c.perSecond.toFixed(0),
      c.p50.toFixed(1),
      c.p99.toFixed(1),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join("  "),
  );
}

async function bench(cp: ControlPlaneInfo, print: (line: string) => void): Promise<void> {
  const target = cp.clusters.find((c) => c.name === CLUSTER);
  if (!target) throw new Error(`cluster ${CLUSTER} is not running`);
  await createPods({ server: target.server, ca: target.ca, token: target.adminToken }, "bench-http", PODS);
  const { child, url, problems } = await startServer(cp.kubeconfigDir);
  const clients: Client[] = [];
  try {
    const max = Math.max(...CONCURRENCY);
    for (let i = 0; i < max; i += 10)
      clients.push(
        ...(await Promise.all(Array.from({ length: Math.min(10, max - i) }, () => openSession(url)))),
      );
    const tools = new Set((await clients[0]!.listTools()).tools.map((t) => t.name));
    const real: CallSpec = tools.has("pods_list")
      ? { label: `pods_list (${PODS} pods, ${CLUSTER})`, tool: "pods_list", args: {} }
      : { label: `clusters_status [${CLUSTER}]`, tool: "clusters_status", args: { clusters: [CLUSTER] } };
    if (!tools.has("pods_list"))
      print("NOTE: pods_list is not registered; measuring clusters_status on one real cluster instead.");
    const probe = await clients[0]!.callTool({ name: real.tool, arguments: real.args });
    const probeText = JSON.stringify(probe.content);
    const expected = tools.has("pods_list") ? "bench-http" : CLUSTER;
    if (probe.isError || !probeText.includes(expected))
      throw new Error(`unexpected ${real.tool} result: ${probeText}`);
    const specs: CallSpec[] = [{ label: "clusters_list", tool: "clusters_list", args: {} }, real];
    const cells: Cell[] = [];
    for (const spec of specs) {
      for (const n of CONCURRENCY) cells.push(await runCell(clients.slice(0, n), spec));
    }
    print(
      `server: built dist/cli.cjs in its own process; clients: SDK StreamableHTTPClientTransport, one process; ` +
        `${availableParallelism()} CPUs; ${CELL_MS} ms per cell; real calls use each session's active cluster`,
    );
    for (const line of table(cells)) print(line);
    const failed = cells.reduce((n, c) => n + c.errors, 0);
    if (failed > 0) throw new Error(`${failed} call(s) failed`);
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    const code = await stopServer(child);
    print(`server exit code after SIGTERM: ${code}; server warnings/errors: ${problems.length}`);
    for (const line of problems.slice(0, 5)) print(`  ${line}`);
  }
}

/** Why: `npm run bench http` reports HTTP throughput and tail latency against a real apiserver. */
export const scenario: BenchScenario = {
  name: "http",
  description:
    "Streamable HTTP calls/s and p99 latency, 1/10/50 concurrent sessions (clusters_list, pods_list)",
  run: (print) => withControlPlane((cp) => bench(cp, print), [CLUSTER]),
};
