// Process facts the fault matrix asserts on, read from /proc: liveness by pid, children, memory, descriptors.
import { readdirSync, readFileSync } from "node:fs";

/** Why: "no child process is left" is checked by pid, not by name. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (exited, not yet reaped) is not a live process.
  const state = /^State:\s+(\S)/m.exec(readStatus(pid))?.[1];
  return state !== undefined && state !== "Z";
}

function readStatus(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return "";
  }
}

/** Why: the direct children of a process (all its threads), to prove nothing was left running. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim();
      for (const c of text.split(/\s+/)) if (c) out.push(Number(c));
    } catch {
      // thread gone meanwhile
    }
  }
  return out.filter(isAlive);
}

/** Why: resident memory now and at its peak (VmHWM), in MiB. */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  const s = readStatus(pid);
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(s)?.[1] ?? 0);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

/** Why: open descriptors, the resource a connection flood or a leak exhausts. */
export function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/** Why: the pid of the kube-apiserver listening on `port` (found by its --secure-port flag). */
export function apiserverPid(port: number): number | undefined {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let cmd = "";
    try {
      cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8");
    } catch {
      continue;
    }
    const args = cmd.split("\0");
    // argv[0] itself, not a wrapper (the harness's supervise.sh) that has the binary among its arguments.
    if (args[0]?.endsWith("kube-apiserver") && args.includes(`--secure-port=${port}`)) return Number(entry);
  }
  return undefined;
}
