// Fleet-wide calls over many clusters stay quiet: no listener-leak warnings, every cluster accounted for.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { freePort } from "../harness/ports.js";
import { writeKubeconfig } from "../helpers/fleet.js";
import { startTestServer } from "../helpers/mcp.js";

const cp = inject("controlplane");

describe("wide fan-out", () => {
  it("checks and fans out over 24 clusters without MaxListenersExceededWarning", async () => {
    const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-wide-"));
    const real = cp.clusters[0]!;
    const caData = Buffer.from(real.ca).toString("base64");
    for (let i = 0; i < 20; i++) {
      await writeKubeconfig(
        join(dir, `gone-${i}.yaml`),
        `gone-${i}`,
        `https://127.0.0.1:${await freePort()}`,
        "t",
        caData,
      );
    }
    for (let i = 0; i < 4; i++)
      await writeKubeconfig(join(dir, `real-${i}.yaml`), `real-${i}`, real.server, real.adminToken, caData);
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(`${w.name}: ${w.message}`);
    };
    process.on("warning", onWarning);
    const ts = await startTestServer({ kubeconfig_dir: dir, auto_discovery: false });
    try {
      const status = await ts.call("clusters_status", { timeout_seconds: 5 });
      expect(status.structuredContent).toMatchObject({ ok: 4, total: 24 });
      const fan = await ts.call("clusters_exec_all", { operation: "namespaces_list", timeout_seconds: 5 });
      expect(String((fan.structuredContent as { summary: string }).summary)).toMatch(/4\/24 ok, 20 failed/);
      // Warnings are emitted on the next tick: let it pass before checking.
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.includes("MaxListeners"))).toEqual([]);
    } finally {
      process.off("warning", onWarning);
      await ts.close();
    }
  });
});
