// A fan-out keeps list paging: each cluster's leg is fetched to fit its share of max_output_bytes, keeps its
// continue token in text and structuredContent, and following that token with the single-cluster tool reaches
// every object exactly once. Also measures rows visible and pages to completion at 3 and 120 clusters.
import { copyFile, mkdtemp, readdir, rm } from "node:fs/promises";
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

// The answer as the client receives it: the JSON-RPC result (text, structuredContent, isError).
const bytesOf = (r: unknown): number => Buffer.byteLength(JSON.stringify(r));

// What the answer says once, and what no leg may say: a leg's share is not max_output_bytes, and a note per leg
// costs a leg per answer at 120 clusters.
const ONCE = "Each cluster shows one page for its share of max_output_bytes";
const WHOLE_ANSWER_NOTE = "exceeds max_output_bytes";
function expectSaidOnce(text: string, paged: boolean): void {
  expect(text).not.toContain(WHOLE_ANSWER_NOTE);
  expect(text.split(ONCE).length - 1).toBe(paged ? 1 : 0);
  if (paged) expect(text).toContain("resources_list with cluster: <name> and continue: <its token>");
}

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
    const s = r.structuredContent as { results: ListLeg[]; omitted?: string[] };
    return { r, legs: s.results, omitted: s.omitted };
  }

  it("3 clusters at max_output_bytes 6000: within budget, a token per leg, every object exactly once", async () => {
    const ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, max_output_bytes: 6000 });
    try {
      const { r, legs, omitted } = await fanOut(ts);
      expect(bytesOf(r)).toBeLessThanOrEqual(6000);
      // Every leg fits: nothing omitted, nothing said about it.
      expect(legs).toHaveLength(3);
      expect(omitted).toBeUndefined();
      const text = resultText(r);
      expect(text).not.toContain("not shown");
      expectSaidOnce(text, true);
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

    it("max_output_bytes 6000 with two failing clusters: failures counted, named and shown first", async () => {
      // Two more kubeconfigs on the real apiservers with a token they refuse: legs that fail with 401.
      const bad = await mkdtemp(join(tmpdir(), "k8s-mcp-fan122-"));
      try {
        for (const f of await readdir(dir)) await copyFile(join(dir, f), join(bad, f));
        for (const [i, real] of cp.clusters.slice(0, 2).entries())
          await writeKubeconfig(
            join(bad, `x${i}.yaml`),
            `x${i}`,
            real.server,
            "refused-token",
            Buffer.from(real.ca).toString("base64"),
          );
        const ts = await startTestServer({
          kubeconfig_dir: bad,
          auto_discovery: false,
          max_output_bytes: 6000,
        });
        try {
          const { r, legs, omitted } = await fanOut(ts);
          expect(bytesOf(r)).toBeLessThanOrEqual(6000);
          const text = resultText(r);
          expect(text).toContain("2 failed");
          expect(text).toContain("failed (2): x0, x1");
          expect(legs.slice(0, 2).map((l) => [l.cluster, l.status])).toEqual([
            ["x0", "error"],
            ["x1", "error"],
          ]);
          expect(text).toContain("=== x0: error");
          expect(legs.length + (omitted?.length ?? 0)).toBe(122);
        } finally {
          await ts.close();
        }
      } finally {
        await rm(bad, { recursive: true, force: true });
      }
    });

    for (const budget of [65536, 6000]) {
      it(`max_output_bytes ${budget}: within budget; following the answer reaches every object exactly once`, async () => {
        const ts = await startTestServer({
          kubeconfig_dir: dir,
          auto_discovery: false,
          max_output_bytes: budget,
        });
        try {
          // Follow the answer's own instructions: each shown leg's token to its end, then the omitted clusters again.
          const seen = new Map<string, string[]>();
          const answers: number[] = [];
          const shown: number[] = [];
          let calls = 0;
          let pages = 0;
          let rest: string[] | undefined;
          do {
            const { r, legs, omitted } = await fanOut(ts, rest);
            calls++;
            answers.push(bytesOf(r));
            shown.push(legs.length);
            expect(bytesOf(r)).toBeLessThanOrEqual(budget);
            expect(legs.length).toBeGreaterThanOrEqual(1);
            const text = resultText(r);
            // A leg with a next page shows its token; the last, small fan-out may fit a cluster's every row.
            const paged = legs.filter((l) => l.result?.continue);
            expectSaidOnce(text, paged.length > 0);
            for (const leg of legs) {
              expect(leg.status).toBe("ok");
              expect(seen.has(leg.cluster)).toBe(false);
              if (leg.result?.continue) expect(text).toContain(`continue="${leg.result.continue}"`);
              const followed = await follow(ts, leg.cluster, leg.result);
              calls += followed.pages - 1;
              pages += followed.pages;
              seen.set(leg.cluster, followed.seen);
            }
            if (omitted) {
              // Said in the text, with the way to reach them, and disjoint from the legs shown.
              expect(text).toContain(`not shown, to fit max_output_bytes (${budget}): ${omitted.length} of`);
              expect(text).toContain("merge: true");
              for (const c of omitted) expect(legs.some((l) => l.cluster === c)).toBe(false);
            }
            rest = omitted;
          } while (rest);
          // Every cluster reached once, each with every object of its apiserver exactly once.
          expect(seen.size).toBe(120);
          // At the 256-byte minimum share a leg is ~480 bytes: every full answer holds at least 8 (7 when each leg
          // carried its own budget note and long paging note; 9-10 today).
          if (budget === 6000) expect(Math.min(...shown.slice(0, -1))).toBeGreaterThanOrEqual(8);
          for (const [cluster, names] of seen) {
            const real = cp.clusters[Number(cluster.slice(1)) % cp.clusters.length]!;
            expect([...names].sort()).toEqual(expected.get(real.name));
          }
          console.log(
            `[fanout-paging] 120 clusters, max_output_bytes ${budget}: answers ${answers.join(", ")} bytes (JSON-RPC result), legs shown ${shown.join(", ")}, ${calls} calls to completion (${answers.length} fan-outs + ${calls - answers.length} single-cluster pages; ${pages} pages over 120 legs)`,
          );
        } finally {
          await ts.close();
        }
      });
    }
  });
});
