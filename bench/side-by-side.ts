// Side by side on the same real clusters: the Go reference server (npm launcher and bare binary), kubectl, k8s-mcp.
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import type { ControlPlaneInfo } from "../test/harness/controlplane.js";
import { createPods, waitForPodsRunning } from "../test/harness/pods.js";
import { withControlPlane } from "./controlplane.js";
import { type GoBaseline, goBaseline } from "./go-baseline.js";
import { type StdioServer, spawnStdio } from "./mcp-stdio.js";
import { median } from "./stats.js";
import type { BenchScenario } from "./types.js";

const run = promisify(execFile);
/** The bin under test; BENCH_K8S_MCP_BIN points it at another build (A/B runs). */
const CLI = process.env.BENCH_K8S_MCP_BIN ?? fileURLToPath(new URL("../dist/cli.cjs", import.meta.url));
const PODS = Number(process.env.BENCH_PODS ?? 1000);
const COLD = Number(process.env.BENCH_COLD_RUNS ?? 11);
const WARM = Number(process.env.BENCH_RUNS ?? 15);
const BIG_DIR = 1000;
const MAIN = "c1-sv5";
const CLUSTERS = [MAIN, "c1-lax1", "c1-dfw1", "c1-ord1"];
/** Extra Node binaries for k8s-mcp's cold start (e.g. Node 24), comma-separated; the bench's own Node always runs. */
const EXTRA_NODES = (process.env.BENCH_NODES ?? "").split(",").filter(Boolean);

interface Subject {
  label: string;
  cmd: string;
  args: string[];
  ours: boolean;
  env?: NodeJS.ProcessEnv;
  /** The Node that runs it (the Go binary: none); its ratios are to the Go npm launcher on the same Node. */
  node?: string;
}

interface Cold {
  toolsList: number;
  firstPods: number;
  cpuMs: number;
  rssKb: number;
  treeKb: number;
}

async function nodeVersion(bin: string): Promise<string> {
  return (await run(bin, ["--version"])).stdout.trim();
}

async function bigKubeconfigDir(real: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-sbs-"));
  for (const f of real) await copyFile(f, join(dir, f.split("/").pop() ?? "x.yaml"));
  for (let i = real.length; i < BIG_DIR; i++) {
    const n = `fake-${i}`;
    await writeFile(
      join(dir, `${n}.yaml`),
      `apiVersion: v1\nkind: Config\nclusters:\n- name: ${n}\n  cluster:\n    server: https://10.0.${i % 250}.1:6443\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: ${n}\n  context: {cluster: ${n}, user: u}\ncurrent-context: ${n}\n`,
    );
  }
  return dir;
}

function podsArgs(s: Subject): Record<string, unknown> {
  return s.ours ? { cluster: MAIN, limit: PODS } : {};
}

async function listPods(srv: StdioServer, s: Subject): Promise<string> {
  const r = await srv.callTool("pods_list", podsArgs(s));
  const rows = r.text.split("\n").filter((l) => /\bweb-\d+\b/.test(l)).length;
  if (r.isError || rows < PODS)
    throw new Error(
      `${s.label}: pods_list returned ${rows} pod rows (want ${PODS}): ${r.text.slice(0, 200)}`,
    );
  return r.text;
}

/** One MCP host start: spawn, initialize, tools/list, the first pods_list, peak RSS. */
async function coldOnce(s: Subject): Promise<Cold> {
  const srv = spawnStdio(s.cmd, s.args, s.env);
  try {
    await srv.initialize();
    await srv.request("tools/list");
    const toolsList = performance.now() - srv.spawnedAt;
    await listPods(srv, s);
    const firstPods = performance.now() - srv.spawnedAt;
    const [rss, cpuMs] = await Promise.all([srv.peakRss(), srv.cpuMs()]);
    return { toolsList, firstPods, cpuMs, rssKb: rss.selfKb, treeKb: rss.treeKb };
  } finally {
    await srv.close();
  }
}

async function kubectlOnce(kubeconfig: string): Promise<number> {
  const t = performance.now();
  await run("kubectl", ["--kubeconfig", kubeconfig, "get", "pods", "-A"], { maxBuffer: 64 << 20 });
  return performance.now() - t;
}

interface Warm {
  podsMs: number;
  tokensPerPod: number;
  bytesPerPod: number;
  fanoutMs: number;
  rssKb: number;
}

/** Warm figures in one long-lived session per server, calls interleaved across servers. */
async function warmAll(subjects: Subject[]): Promise<Warm[]> {
  const sessions = subjects.map((s) => spawnStdio(s.cmd, s.args));
  try {
    await Promise.all(sessions.map((srv) => srv.initialize()));
    const texts = await Promise.all(sessions.map((srv, i) => listPods(srv, subjects[i] as Subject)));
    const pods: number[][] = subjects.map(() => []);
    const fan: number[][] = subjects.map(() => []);
    for (let r = 0; r < WARM; r++) {
      for (const [i, s] of subjects.entries()) {
        const srv = sessions[i] as StdioServer;
        let t = performance.now();
        await listPods(srv, s);
        pods[i]?.push(performance.now() - t);
        t = performance.now();
        await fanout(srv, s);
        fan[i]?.push(performance.now() - t);
      }
    }
    // `return await`: the sessions must still be up when their peak RSS is read (the finally closes them).
    return await Promise.all(
      sessions.map(async (srv, i) => ({
        podsMs: median(pods[i] ?? []),
        tokensPerPod: encode(texts[i] ?? "").length / PODS,
        bytesPerPod: Buffer.byteLength(texts[i] ?? "") / PODS,
        fanoutMs: median(fan[i] ?? []),
        rssKb: (await srv.peakRss()).selfKb,
      })),
    );
  } finally {
    await Promise.all(sessions.map((srv) => srv.close()));
  }
}

/** All clusters' namespaces: one clusters_exec_all for k8s-mcp, one call per context for the Go server. */
async function fanout(srv: StdioServer, s: Subject): Promise<void> {
  if (s.ours) {
    const r = await srv.callTool("clusters_exec_all", { operation: "namespaces_list" });
    if (r.isError || !r.text.includes(`${CLUSTERS.length}/${CLUSTERS.length} ok`))
      throw new Error(`${s.label}: fan-out failed: ${r.text.slice(0, 200)}`);
    return;
  }
  for (const context of CLUSTERS) {
    const r = await srv.callTool("namespaces_list", { context });
    if (r.isError || !r.text.includes("kube-system"))
      throw new Error(`${s.label}: namespaces_list on ${context} failed: ${r.text.slice(0, 200)}`);
  }
}

// The Go server returns the whole 1000-pod list in one answer; k8s-mcp pages at max_output_bytes (64 KiB, counting
// the structured rows too), so it is given room for the same 1000 rows in one answer.
const ROOM_FOR_1000_PODS = ["--config"];

function subjectsFor(
  cp: ControlPlaneInfo,
  go: GoBaseline | undefined,
  nodes: string[],
  bigDir: string,
  roomy: string,
) {
  // The npm launcher is a Node script: it runs on each Node measured, so every ratio compares like with like.
  const gos: Subject[] = go
    ? [
        ...nodes.map((node, i) => ({
          label: `Go ${go.version} (npm launcher)${i === 0 ? "" : ` [${node}]`}`,
          cmd: node,
          args: [go.launcher, "--kubeconfig", cp.classicKubeconfig],
          ours: false,
          node,
        })),
        {
          label: `Go ${go.version} (bare binary)`,
          cmd: go.binary,
          args: ["--kubeconfig", cp.classicKubeconfig],
          ours: false,
        },
      ]
    : [];
  const ours: Subject[] = nodes.flatMap((node, i) => {
    const tag = i === 0 ? "" : ` [${node}]`;
    return [
      {
        label: `k8s-mcp --kubeconfig-dir${tag}`,
        cmd: node,
        args: [CLI, ...ROOM_FOR_1000_PODS, roomy, "--kubeconfig-dir", cp.kubeconfigDir],
        ours: true,
        node,
      },
      {
        label: `k8s-mcp --kubeconfig${tag}`,
        cmd: node,
        args: [CLI, ...ROOM_FOR_1000_PODS, roomy, "--kubeconfig", cp.classicKubeconfig],
        ours: true,
        node,
      },
      {
        label: `k8s-mcp --kubeconfig-dir (${BIG_DIR} files)${tag}`,
        cmd: node,
        args: [CLI, ...ROOM_FOR_1000_PODS, roomy, "--kubeconfig-dir", bigDir],
        ours: true,
        node,
      },
      // The same start without start-up answers: what a first start (or K8S_MCP_STARTUP_CACHE=off) costs.
      {
        label: `k8s-mcp --kubeconfig-dir, start-up answers off${tag}`,
        cmd: node,
        args: [CLI, ...ROOM_FOR_1000_PODS, roomy, "--kubeconfig-dir", cp.kubeconfigDir],
        ours: true,
        node,
        env: { ...process.env, K8S_MCP_STARTUP_CACHE: "off" },
      },
    ];
  });
  return { gos, ours };
}

/** Why: the performance issue's figures, measured against the Go reference server in the same run. */
export const scenario: BenchScenario = {
  name: "side-by-side",
  description: `Go kubernetes-mcp-server vs kubectl vs k8s-mcp on 4 real clusters (${PODS} pods on ${MAIN}); cold: median of ${COLD} interleaved spawns, warm: median of ${WARM}`,
  run: async (print) => {
    const base = await goBaseline(print);
    if (!base.ok) print(`baseline missing: ${base.reason}; k8s-mcp and kubectl figures only, no ratios`);
    const go = base.ok ? base.go : undefined;
    const nodes = [process.execPath, ...EXTRA_NODES];
    const versions = await Promise.all(nodes.map(nodeVersion));
    await withClusters(async (cp) => {
      const bigDir = await bigKubeconfigDir(cp.clusters.map((x) => x.kubeconfig));
      const roomy = join(bigDir, "output.toml"); // not a kubeconfig name: the directory scan ignores it
      await writeFile(roomy, "max_output_bytes = 1048576\n");
      try {
        const { gos, ours } = subjectsFor(cp, go, nodes, bigDir, roomy);
        const all = [...gos, ...ours];
        for (const s of all) await coldOnce(s); // page cache, compile cache
        await kubectlOnce(cp.classicKubeconfig);
        const cold: Cold[][] = all.map(() => []);
        const kubectl: number[] = [];
        for (let r = 0; r < COLD; r++) {
          for (const [i, s] of all.entries()) cold[i]?.push(await coldOnce(s));
          kubectl.push(await kubectlOnce(cp.classicKubeconfig));
        }
        const warmSubjects = [
          ...gos.filter((g) => g.node === undefined || g.node === nodes[0]),
          ...ours.slice(0, 1),
        ];
        const warm = await warmAll(warmSubjects);
        report(print, { all, cold, kubectl, warmSubjects, warm, hasGo: Boolean(go), versions, nodes });
      } finally {
        await rm(bigDir, { recursive: true, force: true });
      }
    });
  },
};

/** Real clusters with the pods; BENCH_CONTROLPLANE=<info.json> reuses a running harness (pods already created). */
async function withClusters(fn: (cp: ControlPlaneInfo) => Promise<void>): Promise<void> {
  const reuse = process.env.BENCH_CONTROLPLANE;
  if (reuse) return fn(JSON.parse(await readFile(reuse, "utf8")) as ControlPlaneInfo);
  return withControlPlane(async (cp) => {
    const c = cp.clusters.find((x) => x.name === MAIN) as ControlPlaneInfo["clusters"][number];
    const target = { server: c.server, ca: c.ca, token: c.adminToken };
    await createPods(target, "bench", PODS, { prefix: "web" });
    await waitForPodsRunning(target, "bench", PODS, 180_000);
    await fn(cp);
  }, CLUSTERS);
}

interface Results {
  all: Subject[];
  cold: Cold[][];
  kubectl: number[];
  warmSubjects: Subject[];
  warm: Warm[];
  hasGo: boolean;
  versions: string[];
  nodes: string[];
}

function report(print: (l: string) => void, r: Results): void {
  const med = (i: number, f: (c: Cold) => number): number => median((r.cold[i] ?? []).map(f));
  // Each row's anchor: the Go npm launcher on the same Node (the bare binary and kubectl: the first Node's).
  const anchorOf = (s: Subject): number => {
    if (!r.hasGo) return -1;
    const i = r.all.findIndex((g) => !g.ours && g.node !== undefined && g.node === s.node);
    return Math.max(i, 0);
  };
  const anchor = (s: Subject, f: (c: Cold) => number): number => {
    const i = anchorOf(s);
    return i < 0 ? Number.NaN : med(i, f);
  };
  const anchorFirst = r.hasGo ? med(0, (c) => c.firstPods) : Number.NaN;
  const kubectl = median(r.kubectl);
  const ratio = (x: number, anchor: number): string =>
    Number.isNaN(anchor) ? "" : ` (${(x / anchor).toFixed(2)}x)`;
  print(
    `Node: ${r.versions.map((v, i) => `${v} = ${r.nodes[i]}`).join(", ")}; ${r.hasGo ? "ratios are to the Go npm launcher on the same Node" : "no Go baseline, so no ratios"}`,
  );
  print("");
  print(
    "| cold start (fresh process) | spawn -> tools/list | spawn -> first pods_list | CPU to the first result | peak RSS after the list |",
  );
  print("|---|---|---|---|---|");
  for (const [i, s] of r.all.entries()) {
    const tl = med(i, (c) => c.toolsList);
    const first = med(i, (c) => c.firstPods);
    const cpu = med(i, (c) => c.cpuMs);
    const rss = med(i, (c) => c.rssKb) / 1024;
    const tree = med(i, (c) => c.treeKb) / 1024;
    const treeNote = tree - rss > 1 ? `, ${tree.toFixed(0)} MB with the launcher` : "";
    print(
      `| ${s.label} | ${tl.toFixed(0)} ms${ratio(
        tl,
        anchor(s, (c) => c.toolsList),
      )} | ${first.toFixed(0)} ms${ratio(
        first,
        anchor(s, (c) => c.firstPods),
      )}, ${(first / kubectl).toFixed(2)}x kubectl | ${cpu.toFixed(0)} ms${ratio(
        cpu,
        anchor(s, (c) => c.cpuMs),
      )} | ${rss.toFixed(0)} MB${ratio(
        rss * 1024,
        anchor(s, (c) => c.rssKb),
      )}${treeNote} |`,
    );
  }
  print(
    `| kubectl get pods -A (whole process) | — | ${kubectl.toFixed(0)} ms${ratio(kubectl, anchorFirst)} | — | — |`,
  );
  const dirIdx = r.all.findIndex((s) => s.ours);
  if (dirIdx >= 0) {
    const big = med(dirIdx + 2, (c) => c.toolsList) - med(dirIdx, (c) => c.toolsList);
    const bigCpu = med(dirIdx + 2, (c) => c.cpuMs) - med(dirIdx, (c) => c.cpuMs);
    print("");
    print(
      `${BIG_DIR} kubeconfig files add ${big.toFixed(0)} ms to spawn -> tools/list, ${bigCpu.toFixed(0)} ms CPU to the first result (target < 30 ms; \`npm run bench -- startup\` measures it alone)`,
    );
  }
  print("");
  print(
    `| warm session (${r.versions[0]}) | pods_list, ${PODS} pods | output tokens/pod (o200k) | bytes/pod | all ${CLUSTERS.length} clusters' namespaces | peak RSS at the end |`,
  );
  print("|---|---|---|---|---|---|");
  const w0 = r.hasGo ? r.warm[0] : undefined;
  for (const [i, s] of r.warmSubjects.entries()) {
    const w = r.warm[i] as Warm;
    const how = s.ours ? "1 clusters_exec_all" : `${CLUSTERS.length} calls with context`;
    print(
      `| ${s.label} | ${w.podsMs.toFixed(0)} ms${ratio(w.podsMs, w0?.podsMs ?? Number.NaN)} | ${w.tokensPerPod.toFixed(1)}${ratio(w.tokensPerPod, w0?.tokensPerPod ?? Number.NaN)} | ${w.bytesPerPod.toFixed(0)} | ${w.fanoutMs.toFixed(0)} ms, ${how}${ratio(w.fanoutMs, w0?.fanoutMs ?? Number.NaN)} | ${(w.rssKb / 1024).toFixed(0)} MB${ratio(w.rssKb, w0?.rssKb ?? Number.NaN)} |`,
    );
  }
  print("");
  print(
    "targets (ratio to the Go npm launcher): first pods_list <= 1.0x (aim <= 2x kubectl), tools/list <= 1.0x,",
  );
  print("peak RSS after the list <= 1.0x, warm pods_list <= 0.2x, tokens/pod <= 0.4x");
}
