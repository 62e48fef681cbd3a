// Fault matrix, truncation plus paging: following the continue tokens of pages cut at max_output_bytes must
// return every object exactly once (before, the rows cut from a page were skipped by its token). Real cluster.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { create, freshNamespace } from "../../helpers/cluster-api.js";
import { resultText, startTestServer, type TestServer } from "../../helpers/mcp.js";

const cp = inject("controlplane");
const [, lax1] = cp.clusters;
const COUNT = 45;
const MAX_OUTPUT = 1500;

async function collect(ts: TestServer, ns: string, limit: number, nameOf: (text: string) => string[]) {
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  let shortened = 0;
  do {
    const r = await ts.call("resources_list", {
      cluster: lax1!.name,
      apiVersion: "v1",
      kind: "ConfigMap",
      namespace: ns,
      limit,
      ...(token ? { continue: token } : {}),
    });
    expect(r.isError, resultText(r)).toBeFalsy();
    const text = resultText(r);
    expect(text).not.toMatch(/output truncated/);
    const s = r.structuredContent as { cluster: string; continue: string | null };
    expect(s.cluster).toBe(lax1!.name);
    seen.push(...nameOf(text));
    if (text.includes("page shortened")) shortened++;
    token = s.continue ?? undefined;
    pages++;
    expect(pages).toBeLessThan(60);
  } while (token);
  return { seen, shortened };
}

describe("truncation never skips rows when paging", () => {
  let ns: string;
  const names: string[] = [];
  beforeAll(async () => {
    ns = await freshNamespace(lax1!, "trunc");
    for (let i = 0; i < COUNT; i++) {
      const name = `trunc-configmap-with-a-rather-long-name-${String(i).padStart(3, "0")}`;
      names.push(name);
      await create(lax1!, `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name }, data: { k: "v" } });
    }
  });

  describe("table output", () => {
    let ts: TestServer;
    beforeAll(async () => {
      ts = await startTestServer({
        kubeconfig_dir: cp.kubeconfigDir,
        auto_discovery: false,
        max_output_bytes: MAX_OUTPUT,
      });
    });
    afterAll(async () => ts?.close());

    it("every row exactly once across pages whose rows do not fit max_output_bytes", async () => {
      const { seen, shortened } = await collect(ts, ns, 30, (text) =>
        text.split("\n").flatMap((l) => (l.startsWith("trunc-") ? [l.split(/\s+/)[0] ?? ""] : [])),
      );
      expect(seen).toEqual(names); // apiserver order is by name; nothing missing, nothing twice
      expect(shortened).toBeGreaterThan(0); // the budget really cut pages
    });

    it("a shortened page says so and names what comes next", async () => {
      const r = await ts.call("resources_list", {
        cluster: lax1!.name,
        apiVersion: "v1",
        kind: "ConfigMap",
        namespace: ns,
        limit: 30,
      });
      const text = resultText(r);
      expect(text).toMatch(/page shortened to \d+ of 30 rows to fit max_output_bytes; nothing was skipped/);
      expect(text).toMatch(/call again with continue="/);
      const body = text.slice(0, text.indexOf("\npage shortened"));
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_OUTPUT);
    });
  });

  describe("yaml output", () => {
    let ts: TestServer;
    beforeAll(async () => {
      ts = await startTestServer({
        kubeconfig_dir: cp.kubeconfigDir,
        auto_discovery: false,
        max_output_bytes: 4000,
        list_output: "yaml",
      });
    });
    afterAll(async () => ts?.close());

    it("every object exactly once", async () => {
      const { seen, shortened } = await collect(ts, ns, 20, (text) =>
        [...text.matchAll(/^ {4}name: (trunc-\S+)$/gm)].map((m) => m[1] ?? ""),
      );
      expect(seen).toEqual(names);
      expect(shortened).toBeGreaterThan(0);
    });
  });
});
