// A fan-out keeps list paging: each cluster's leg is fetched to fit its share of max_output_bytes, keeps its
// continue token in text and structuredContent, and following that token with the single-cluster tool reaches
// every object exactly once. Also measures rows visible and pages to completion at 3 and 120 clusters.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { apiRequest } from "../harness/https.js";
import { admin, create } from "../helpers/cluster-api.js";
import { writeKubeconfig } from "../helpers/fleet.js";
import { resultText, startTestServer, type TestServer } from "../helpers/mcp.js";

const cp = inject("controlplane");
const PER_CLUSTER = 80;

interface ListLeg {
  cluster: string;
  status: string;
  result?: { items: { name: string }[]; continue: string | null };
}

const bytesOf = (r: { content: unknown; structuredContent?: unknown }): number =>
  Buffer.byteLength(resultText(r as never)) + Buffer.byteLength(JSON.stringify(r.structuredContent ?? null));

describe("fan-out list paging", () => {
  const ns = `fanpage-${Math.random().toString(36).slice(2, 7)}`;
  const expected = new Map<string, string[]>();
  beforeAll(async () => {
    for (const c of cp.clusters) {
      await create(c, "/api/v1/namespaces", { metadata: { name: ns } });
      await Promise.all(
        Array.from({ length: PER_CLUSTER }, (_, i) =>
          create(c, `/api/v1/namespaces/${ns}/configmaps`, {
            metadata: { name: `cm-${String(i).padStart(3, "0")}` },
            data: { cluster: c.name, index: String(i) },
          }),
        ),
      );
      // The API's own full list (it includes kube-root-ca.crt): what paging must reach, exactly once.
      const all = await apiRequest(admin(c), "GET", `/api/v1/namespaces/${ns}/configmaps`);
      const names = (JSON.parse(all.body) as { items: { metadata: { name: string } }[] }).items.map(
        (i) => i.metadata.name,
      );
      expect(names.length).toBeGreaterThanOrEqual(PER_CLUSTER);
      expected.set(c.name, names.sort());
    }
  });

  // Follows one leg's token with resources_list on that cluster; returns every name seen and the page count.
  async function follow(ts: TestServer, cluster: string, first: ListLeg["result"]) {
    const seen = [...(first?.items ?? []).map((i) => i.name)];
    let token = first?.continue ?? null;
    let pages = 1;
    while (token) {
      const r = await ts.call("resources_list", {
        cluster,
        apiVersion: "v1",
        kind: "ConfigMap",
        namespace: ns,
        continue: token,
      });
      expect(r.isError, resultText(r)).toBeFalsy();
      const s = r.structuredContent as { items: { name: string }[]; continue: string | null };
      seen.push(...s.items.map((i) => i.name));
      token = s.continue;
      pages++;
    }
    return { seen, pages };
  }

  async function fanOut(ts: TestServer, clusters?: string[]) {
    const r = await ts.call("clusters_exec_all", {
      operation: "resources_list",
      parameters: { apiVersion: "v1", kind: "ConfigMap", namespace: ns },
      ...(clusters ? { clusters } : {}),
    });
    expect(r.isError, resultText(r)).toBeFalsy();
    return { r, legs: (r.structuredContent as { results: ListLeg[] }).results };
  }

  it("3 clusters at max_output_bytes 6000: within budget, a token per leg, every object exactly once", async () => {
    const ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, max_output_bytes: 6000 });
    try {
      const { r, legs } = await fanOut(ts);
      expect(bytesOf(r)).toBeLessThanOrEqual(6000);
      const text = resultText(r);
      const figures: string[] = [];
      for (const leg of legs) {
        expect(leg.status).toBe("ok");
        const token = leg.result?.continue;
        expect(token).toBeTruthy();
        expect(text).toContain(`continue="${token}"`);
        const { seen, pages } = await follow(ts, leg.cluster, leg.result);
        expect([...seen].sort()).toEqual(expected.get(leg.cluster));
        expect(new Set(seen).size).toBe(seen.length);
        figures.push(
          `${leg.cluster}: ${leg.result?.items.length} rows visible, ${pages} pages to completion`,
        );
      }
      console.log(
        `[fanout-paging] 3 clusters, max_output_bytes 6000, ${bytesOf(r)} bytes: ${figures.join("; ")}`,
      );
    } finally {
      await ts.close();
    }
  });

  describe("120 clusters (40 kubeconfig files per real apiserver)", () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "k8s-mcp-fan120-"));
      for (let i = 0; i < 120; i++) {
        const real = cp.clusters[i % cp.clusters.length]!;
        const caData = Buffer.from(real.ca).toString("base64");
        await writeKubeconfig(
          join(dir, `f${String(i).padStart(3, "0")}.yaml`),
          `f${i}`,
          real.server,
          real.adminToken,
          caData,
        );
      }
    });
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    for (const budget of [65536, 6000]) {
      it(`max_output_bytes ${budget}: every leg keeps a token that pages to every object exactly once`, async () => {
        const ts = await startTestServer({
          kubeconfig_dir: dir,
          auto_discovery: false,
          max_output_bytes: budget,
        });
        try {
          const { r, legs } = await fanOut(ts);
          expect(legs).toHaveLength(120);
          const rows = legs.map((l) => l.result?.items.length ?? 0);
          for (const leg of legs) {
            expect(leg.status).toBe("ok");
            expect(leg.result?.continue).toBeTruthy();
          }
          // One leg per real apiserver followed to the end (the other legs' tokens are of the same lists).
          const pages: number[] = [];
          for (const leg of legs.slice(0, cp.clusters.length)) {
            const real = cp.clusters[Number(leg.cluster.slice(1)) % cp.clusters.length]!;
            const followed = await follow(ts, leg.cluster, leg.result);
            expect([...followed.seen].sort()).toEqual(expected.get(real.name));
            pages.push(followed.pages);
          }
          console.log(
            `[fanout-paging] 120 clusters, max_output_bytes ${budget}, ${bytesOf(r)} bytes: rows visible per leg ${Math.min(...rows)}-${Math.max(...rows)}, pages to completion ${pages.join(", ")}`,
          );
          // Every leg shows at least one row and its token; the default budget holds the whole sectioned answer,
          // and a budget too small for 120 shares says so and points at the merged table.
          expect(Math.min(...rows)).toBeGreaterThanOrEqual(1);
          if (budget === 65536) {
            expect(bytesOf(r)).toBeLessThanOrEqual(budget);
            expect(resultText(r)).not.toContain("merge: true");
          } else expect(resultText(r).slice(0, 600)).toContain("pass merge: true");
        } finally {
          await ts.close();
        }
      });
    }
  });
});
