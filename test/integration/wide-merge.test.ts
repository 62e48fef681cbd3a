// The merged fan-out answer on 120 clusters (kubeconfigs over the 3 real apiservers, 40 each, each apiserver with
// a different number of ConfigMaps): every cluster visible within max_output_bytes, every object reachable by
// paging. Prints the figures (bytes, rows visible, pages to completion) for sections and merged answers.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { mapPool } from "../../src/util/pool.js";
import { create } from "../helpers/cluster-api.js";
import { writeKubeconfig } from "../helpers/fleet.js";
import { resultText, startTestServer, type TestServer } from "../helpers/mcp.js";

const cp = inject("controlplane");
const ns = `wide-${Math.random().toString(36).slice(2, 8)}`;
const PER_REAL = [30, 200, 700];
const CLUSTERS = 120;
let ts: TestServer;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-wide-merge-"));
  const real = cp.clusters.slice(0, 3);
  for (let i = 0; i < CLUSTERS; i++) {
    const c = real[i % 3]!;
    await writeKubeconfig(
      join(dir, `c${i}.yaml`),
      `c${i}`,
      c.server,
      c.adminToken,
      Buffer.from(c.ca).toString("base64"),
    );
  }
  await Promise.all(
    real.map(async (c, k) => {
      await create(c, "/api/v1/namespaces", { metadata: { name: ns } });
      const names = Array.from({ length: PER_REAL[k]! }, (_, i) => `cm-${String(i).padStart(4, "0")}`);
      await mapPool(names, 16, (name) =>
        create(c, `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name }, data: { k: "v" } }),
      );
    }),
  );
  ts = await startTestServer({ kubeconfig_dir: dir, auto_discovery: false });
}, 300_000);

afterAll(async () => {
  await ts?.close();
});

const params = { apiVersion: "v1", kind: "ConfigMap", namespace: ns };

describe("merged fan-out on 120 clusters", () => {
  it("shows every cluster within max_output_bytes and reaches every object by paging", async () => {
    const max = ts.deps.config.max_output_bytes;
    const sections = await ts.call("clusters_exec_all", { operation: "resources_list", parameters: params });
    const sectionText = resultText(sections);
    const sectionBytes = Buffer.byteLength(JSON.stringify(sections));
    const sectionRows = (sectionText.match(/^cm-\d{4}\s/gm) ?? []).length;
    // The sectioned answer fits too (text and structuredContent together), every cluster with a row and its token.
    const sectionBudget =
      Buffer.byteLength(sectionText) + Buffer.byteLength(JSON.stringify(sections.structuredContent));
    expect(sectionBudget).toBeLessThanOrEqual(max);
    expect(sectionRows).toBe(CLUSTERS);
    const sectionLegs = (
      sections.structuredContent as { results: { result?: { continue: string | null } }[] }
    ).results;
    for (const l of sectionLegs) expect(sectionText).toContain(`continue="${l.result?.continue}"`);
    // How to see more of a cluster is said once for the answer; no leg repeats a note about max_output_bytes.
    expect(sectionText.split("Each cluster shows one page").length - 1).toBe(1);
    expect(sectionText).not.toContain("exceeds max_output_bytes");
    expect(sectionText.split("max_output_bytes").length - 1).toBe(1);

    const merged = await ts.call("clusters_exec_all", {
      operation: "resources_list",
      parameters: params,
      merge: true,
    });
    expect(merged.isError, resultText(merged)).toBeFalsy();
    const text = resultText(merged);
    const s = merged.structuredContent as {
      merged: {
        rowsShown: number;
        rowsTotal: number;
        clusters: {
          cluster: string;
          rows: number;
          shown: number;
          continue: string | null;
          sameAs?: string;
        }[];
      };
    };
    const bytes = Buffer.byteLength(text) + Buffer.byteLength(JSON.stringify(merged.structuredContent));
    expect(bytes).toBeLessThanOrEqual(max);
    // Every cluster is visible: by a row of its own, or by name in its group's list.
    for (let i = 0; i < CLUSTERS; i++) expect(text).toMatch(new RegExp(`\\bc${i}\\b`));
    expect(s.merged.clusters).toHaveLength(CLUSTERS);

    // Every object reachable: each distinct group's representative is paged to the end from what was shown.
    let pages = 1;
    const reps = s.merged.clusters.filter((c) => !c.sameAs);
    let reached = 0;
    for (const rep of reps) {
      const seen = new Set<string>();
      let token: string | undefined;
      do {
        const r = await ts.call("resources_list", {
          ...params,
          cluster: rep.cluster,
          limit: 500,
          ...(token ? { continue: token } : {}),
        });
        pages++;
        const page = r.structuredContent as { items: { name: string }[]; continue: string | null };
        for (const it of page.items) seen.add(it.name);
        token = page.continue ?? undefined;
      } while (token);
      reached +=
        seen.size *
        s.merged.clusters.filter((c) => c.cluster === rep.cluster || c.sameAs === rep.cluster).length;
    }
    const total = PER_REAL.reduce((a, n) => a + n * (CLUSTERS / 3), 0);
    expect(reached).toBe(total);
    process.stderr.write(
      `[wide-merge] ${CLUSTERS} clusters, ${total} objects, max_output_bytes ${max}\n` +
        `[wide-merge] sections: ${sectionBudget} bytes (text + structuredContent; ${sectionBytes} as a JSON-RPC result), ${sectionRows} rows visible\n` +
        `[wide-merge] merged: ${bytes} bytes, ${s.merged.rowsShown} rows visible (of ${s.merged.rowsTotal} on the first pages), ` +
        `${reps.length} distinct groups, ${pages} calls to reach all ${total} objects\n`,
    );
  }, 300_000);
});
