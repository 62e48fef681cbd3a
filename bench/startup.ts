// Startup: spawn -> tools/list answered, for k8s-mcp (empty dir, 1000 kubeconfigs) vs a minimal SDK server.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median, ms } from "./stats.js";
import type { BenchScenario } from "./types.js";

const CLI = fileURLToPath(new URL("../dist/cli.cjs", import.meta.url));
const MINIMAL = fileURLToPath(new URL("./fixtures/minimal-server.mjs", import.meta.url));
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 21);

interface Sample {
  ms: number;
  peakRssKb: number;
}

async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

// A variant: the node arguments, and K8S_MCP_STARTUP_CACHE=off for a start without start-up answers.
interface Variant {
  args: string[];
  answersOff?: boolean;
}

function once({ args, answersOff }: Variant): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const env = answersOff ? { ...process.env, K8S_MCP_STARTUP_CACHE: "off" } : process.env;
    const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "ignore"], env });
    let buf = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no tools/list answer from ${args.join(" ")}`));
    }, 20_000);
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", async (c: string) => {
      buf += c;
      if (buf.includes('"id":2')) {
        const elapsed = performance.now() - started;
        clearTimeout(timer);
        const rss = await peakRss(child.pid ?? 0);
        child.kill("SIGKILL");
        resolve({ ms: elapsed, peakRssKb: rss });
      }
    });
    const init = {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "bench", version: "1" },
    };
    child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: init })}\n`);
    child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`);
    child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" })}\n`);
  });
}

// Interleaves the variants (A, B, C, A, B, C, ...) so drift on a shared machine hits them all alike.
async function measureAll(variants: Variant[]): Promise<Row[]> {
  for (const v of variants) await once(v); // warm the page cache
  const samples: Sample[][] = variants.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [j, v] of variants.entries()) samples[j]?.push(await once(v));
  }
  return samples.map((xs) => ({
    median: median(xs.map((s) => s.ms)),
    rssMb: Math.max(...xs.map((s) => s.peakRssKb)) / 1024,
  }));
}

async function kubeconfigDir(n: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-bench-"));
  for (let i = 0; i < n; i++) {
    const name = `c${i}-site${i % 37}`;
    await writeFile(
      join(dir, `${name}.yaml`),
      `apiVersion: v1\nkind: Config\nclusters:\n- name: ${name}\n  cluster:\n    server: https://10.0.${i % 250}.1:6443\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: ${name}\n  context: {cluster: ${name}, user: u}\ncurrent-context: ${name}\n`,
    );
  }
  return dir;
}

interface Row {
  median: number;
  rssMb: number;
}

/** Why: startup speed is a feature; this keeps it measured against the SDK's own floor. */
export const scenario: BenchScenario = {
  name: "startup",
  description: `spawn -> tools/list answered, median of ${RUNS} interleaved spawns each (Node ${process.version})`,
  run: async (print) => {
    const empty = await kubeconfigDir(0);
    const big = await kubeconfigDir(1000);
    try {
      const rows = await measureAll([
        { args: [MINIMAL] },
        { args: [CLI, "--kubeconfig-dir", empty] },
        { args: [CLI, "--kubeconfig-dir", big] },
        { args: [CLI, "--kubeconfig-dir", empty], answersOff: true },
        { args: [CLI, "--kubeconfig-dir", big], answersOff: true },
      ]);
      const [base, e, k, eOff, kOff] = rows as [Row, Row, Row, Row, Row];
      const line = (label: string, r: Row, note = ""): void =>
        print(
          `${label.padEnd(44)} ${ms(r.median).padStart(10)}   peak RSS ${r.rssMb.toFixed(0)} MB   ratio ${(r.median / base.median).toFixed(2)}x${note}`,
        );
      print(
        `${"minimal SDK server".padEnd(44)} ${ms(base.median).padStart(10)}   peak RSS ${base.rssMb.toFixed(0)} MB   (baseline)`,
      );
      line("k8s-mcp, empty dir", e, "  (target <= 0.70x)");
      line("k8s-mcp, 1000 kubeconfigs", k);
      line("k8s-mcp, empty dir, start-up answers off", eOff);
      line("k8s-mcp, 1000 kubeconfigs, start-up answers off", kOff);
      // With start-up answers the directory is read after tools/list is answered; without them, before.
      print(
        `1000 files add (answers off)                 ${ms(kOff.median - eOff.median).padStart(10)}   (target < 30 ms)`,
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
      await rm(big, { recursive: true, force: true });
    }
  },
};
