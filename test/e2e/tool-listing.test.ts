// The built bin answers tools/list from the JSON Schemas its build computed (scripts/build.mjs): for each config
// variant that shapes them, its raw answer must equal the live conversion of the source run in-process.
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import type { ConfigInput } from "../helpers/mcp.js";
import { startTestServer, type TestServer } from "../helpers/mcp.js";
import { INITIALIZE_PARAMS, spawnServer } from "../helpers/stdio-process.js";

const cp = inject("controlplane");

const VARIANTS: [string, ConfigInput, string][] = [
  ["defaults", {}, ""],
  [
    "read_only, require_cluster, confirm_clusters",
    { read_only: true, require_cluster: true, confirm_clusters: ["c1-*"] },
    'read_only = true\nrequire_cluster = true\nconfirm_clusters = ["c1-*"]\n',
  ],
  [
    "disable_destructive, confirm_clusters",
    { disable_destructive: true, confirm_clusters: ["c1-*"] },
    'disable_destructive = true\nconfirm_clusters = ["c1-*"]\n',
  ],
];

describe("the bin's build-time tools/list", () => {
  const files: string[] = [];
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
    for (const f of files) await rm(f, { force: true });
  });

  it.each(VARIANTS)("equals the live listing: %s", async (name, input, toml) => {
    const file = join(tmpdir(), `k8s-mcp-listing-${process.pid}-${files.length}.toml`);
    files.push(file);
    await writeFile(file, `kubeconfig_dir = "${cp.kubeconfigDir}"\n${toml}`);
    const p = spawnServer(["--config", file]);
    try {
      expect((await p.request("initialize", INITIALIZE_PARAMS)).error).toBeUndefined();
      p.notify("notifications/initialized");
      const built = (await p.request("tools/list")).result as { tools: unknown[] };
      const live = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, ...input });
      servers.push(live);
      const { tools } = await live.client.request({ method: "tools/list", params: {} });
      expect(built.tools.length, name).toBeGreaterThan(10);
      expect(JSON.parse(JSON.stringify(built.tools))).toEqual(JSON.parse(JSON.stringify(tools)));
    } finally {
      p.child.stdin?.end();
      await p.exited;
    }
  });
});
