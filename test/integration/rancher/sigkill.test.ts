// SIGKILL in the middle of a refresh loses no file: a child process refreshes from the Rancher API STUB,
// which stalls half-way through one generateKubeconfig answer; the child is killed with -9 right then.
import { type ChildProcess, spawn } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseKubeconfig, scanKubeconfigDir } from "../../../src/clusters/discovery/index.js";
import { isTempName } from "../../../src/rancher/atomic.js";
import type { RefreshReport } from "../../../src/rancher/index.js";
import { type RancherStub, startRancherStub } from "../../stubs/rancher-api.js";
import {
  kubeconfigFor,
  rancherToken,
  startRancherServer,
  structured,
  stubClusters,
  tempDir,
} from "./helpers.js";

const cp = inject("controlplane");
const NAMES = cp.clusters.map((c) => c.name).sort();
const TOKEN = rancherToken();
const CHILD = fileURLToPath(new URL("./refresh-child.ts", import.meta.url));

function exited(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ?? child.exitCode);
    else child.once("exit", (code, signal) => resolve(signal ?? code));
  });
}

describe("SIGKILL during a refresh", () => {
  let stub: RancherStub;
  beforeAll(async () => {
    stub = await startRancherStub({
      token: TOKEN,
      clusters: stubClusters(cp.clusters, (c) => c.adminToken),
    });
  });
  afterAll(async () => {
    await stub?.close();
  });

  it("leaves every previous kubeconfig intact and parseable, and counts no temp file as a cluster", async () => {
    const dir = await tempDir();
    const previous = new Map<string, string>();
    for (const c of cp.clusters) {
      const text = kubeconfigFor(c, c.adminToken, "previous-user");
      previous.set(c.name, text);
      await writeFile(join(dir, `${c.name}.yaml`), text, { mode: 0o600 });
    }
    const config = {
      kubeconfig_dir: dir,
      nsk: { rancher_url: stub.url, rancher_token: TOKEN, config_dir: dir, driver: "rancher-api" },
    };
    const stalled = stub.stallNextGenerate();
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, JSON.stringify(config)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const stalledName = await Promise.race([
      stalled,
      exited(child).then((code) => {
        throw new Error(`child exited (${String(code)}) before the stub stalled: ${stderr}`);
      }),
    ]);
    child.kill("SIGKILL");
    expect(await exited(child)).toBe("SIGKILL");
    expect(stderr).not.toContain(TOKEN);

    const entries = await scanKubeconfigDir(dir);
    expect(entries.map((e) => e.stem).sort()).toEqual(NAMES);
    for (const e of entries) {
      const text = await readFile(e.path, "utf8");
      expect(parseKubeconfig(text, e.path).currentContext).toBe(e.stem);
      if (e.stem === stalledName) expect(text).toBe(previous.get(e.stem));
      else expect(text === previous.get(e.stem) || text.includes("rancher-user")).toBe(true);
    }
    const others = (await readdir(dir)).filter((n) => !NAMES.some((c) => n === `${c}.yaml`));
    expect(others.every((n) => isTempName(n) || n.startsWith("."))).toBe(true);

    const ts = await startRancherServer(dir, {
      rancher_url: stub.url,
      rancher_token: TOKEN,
      driver: "rancher-api",
    });
    try {
      const report = structured<RefreshReport>(await ts.call("nsk_refresh", { force: true }));
      expect(report.outcome).toBe("ok");
      expect(report.updated.length + report.unchanged.length).toBe(3);
      const list = structured<{ clusters: { name: string }[] }>(await ts.call("clusters_list"));
      expect(list.clusters.map((c) => c.name)).toEqual(NAMES);
    } finally {
      await ts.close();
    }
  });
});
