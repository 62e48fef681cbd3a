// All-namespace lists: each row's namespace comes from a metadata-only list asked for beside the bare table, paired only when
// both were read at one resourceVersion. Checked against the API's own answer on a real apiserver, paged, for pods, a built-in
// kind and a custom resource, and, through a STUB proxy in front of the real apiserver, the fallback paths (a
// refused or short metadata list, and same-named objects churned across namespaces between the two reads).

import { mkdtemp } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { decodeNameListJson, decodeNameListProtobuf } from "../../src/kube/list-names.js";
import type { TestCluster } from "../harness/controlplane.js";
import { apiRequest } from "../harness/https.js";
import { createPods, waitForPodsRunning } from "../harness/pods.js";
import { admin, crdBody, create, freshNamespace, statusOf, waitUntil } from "../helpers/cluster-api.js";
import { writeKubeconfig } from "../helpers/fleet.js";
import { startTestServer, type TestServer } from "../helpers/mcp.js";

const cp = inject("controlplane");
const lax1 = cp.clusters[1] as TestCluster;
const PROTOBUF_META = "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
const JSON_META = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

type Row = Record<string, unknown>;
const pairs = (rows: Row[]): string[] => rows.map((r) => `${r.namespace}/${r.name}`);

// Every row of a list tool, following continue tokens; fails on an error result.
async function allRows(ts: TestServer, tool: string, args: Row): Promise<Row[]> {
  const rows: Row[] = [];
  let token: string | null = null;
  for (let page = 0; page < 50; page++) {
    const res = await ts.call(tool, { ...args, ...(token ? { continue: token } : {}) });
    if (res.isError) throw new Error(`${tool}: ${JSON.stringify(res.content)}`);
    const s = res.structuredContent as { items: Row[]; continue: string | null };
    rows.push(...s.items);
    token = s.continue;
    if (!token) return rows;
  }
  throw new Error("more than 50 pages");
}

// The API's own namespace/name pairs for a collection (JSON, no Table), sorted as the API sorts them.
async function truth(c: TestCluster, path: string): Promise<string[]> {
  const res = await apiRequest(admin(c), "GET", path);
  const list = res.json<{ items: { metadata: { name: string; namespace: string } }[] }>();
  return list.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`);
}

// A raw GET keeping the body as bytes (the harness client decodes text).
function rawGet(c: TestCluster, path: string, accept: string): Promise<{ type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      new URL(path, c.server),
      { ca: c.ca, headers: { Authorization: `Bearer ${c.adminToken}`, Accept: accept } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (d: Buffer) => chunks.push(d));
        res.on("end", () =>
          resolve({ type: String(res.headers["content-type"]), body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("all-namespace tables name each row's namespace", () => {
  let ts: TestServer;
  const namespaces: string[] = [];
  const run = `run-${Math.random().toString(36).slice(2, 8)}`;
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) namespaces.push(await freshNamespace(lax1, "allns"));
    // The same names in every namespace: a row mapped to the wrong item would show the wrong namespace.
    for (const ns of namespaces) {
      for (let i = 0; i < 4; i++)
        await create(lax1, `/api/v1/namespaces/${ns}/configmaps`, {
          metadata: { name: `same-${i}`, labels: { suite: run } },
        });
      await createPods(admin(lax1), ns, 3, { prefix: "twin", labels: { suite: run } });
    }
    for (const ns of namespaces) await waitForPodsRunning(admin(lax1), ns, 3, 30_000);
    ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir, default_cluster: "c1-lax1" });
  });
  afterAll(async () => ts?.close());

  it("pods_list: every row's namespace is the API's, on one page and paged by 4", async () => {
    const expected = await truth(lax1, `/api/v1/pods?labelSelector=suite%3D${run}`);
    expect(expected).toHaveLength(9);
    expect(pairs(await allRows(ts, "pods_list", { labelSelector: `suite=${run}` }))).toEqual(expected);
    expect(pairs(await allRows(ts, "pods_list", { labelSelector: `suite=${run}`, limit: 4 }))).toEqual(
      expected,
    );
  });

  it("resources_list: a built-in kind, paged by 5, each object exactly once with its namespace", async () => {
    const expected = await truth(lax1, `/api/v1/configmaps?labelSelector=suite%3D${run}`);
    expect(expected).toHaveLength(12);
    const args = { apiVersion: "v1", kind: "ConfigMap", labelSelector: `suite=${run}` };
    expect(pairs(await allRows(ts, "resources_list", args))).toEqual(expected);
    expect(pairs(await allRows(ts, "resources_list", { ...args, limit: 5 }))).toEqual(expected);
    const text = await ts.text("resources_list", args);
    for (const ns of namespaces) expect(text).toMatch(new RegExp(`^${ns}\\s+same-3\\s`, "m"));
  });

  it("a custom resource (no protobuf form) gets the same namespaces", async () => {
    const group = "allns.k8smcp.example.com";
    await create(
      lax1,
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
      crdBody(group, "widgets", "Widget"),
    );
    await waitUntil("CRD served", async () => (await statusOf(lax1, `/apis/${group}/v1/widgets`)) === 200);
    for (const ns of namespaces)
      await create(lax1, `/apis/${group}/v1/namespaces/${ns}/widgets`, {
        apiVersion: `${group}/v1`,
        kind: "Widget",
        metadata: { name: "w" },
      });
    const expected = await truth(lax1, `/apis/${group}/v1/widgets`);
    expect(expected).toEqual(namespaces.map((ns) => `${ns}/w`).sort());
    const rows = await allRows(ts, "resources_list", { apiVersion: `${group}/v1`, kind: "Widget", limit: 2 });
    expect(pairs(rows)).toEqual(expected);
  });

  it("the protobuf decoder reads what the apiserver sends, equal to its JSON form at the same version", async () => {
    const path = `/api/v1/configmaps?labelSelector=suite%3D${run}&limit=7`;
    const proto = await rawGet(lax1, path, PROTOBUF_META);
    expect(proto.type).toBe("application/vnd.kubernetes.protobuf");
    const fromProto = decodeNameListProtobuf(proto.body);
    const rv = fromProto.resourceVersion;
    expect(rv).toMatch(/^\d+$/);
    const json = await rawGet(lax1, `${path}&resourceVersion=${rv}&resourceVersionMatch=Exact`, JSON_META);
    expect(json.type).toBe("application/json");
    const fromJson = decodeNameListJson(json.body.toString("utf8"));
    expect(fromProto.items).toHaveLength(7);
    expect(fromProto.items).toEqual(fromJson.items);
    expect(fromProto.continue).not.toBe("");
    expect(fromProto.continue).toBe(fromJson.continue);
    expect(() => decodeNameListProtobuf(proto.body.subarray(0, proto.body.length - 3))).toThrow();
  });
});

// STUB: a plain-HTTP proxy in front of the real apiserver that tampers with metadata-only lists, the one thing
// a healthy apiserver never does (it has protobuf, and reads at an exact resourceVersion agree).
interface TamperProxy {
  url: string;
  seen: string[];
  /** churn: the metadata list is held until the bare table has been answered and `between` has run. */
  mode: "pass" | "refuse" | "drop-one" | "churn";
  between: () => Promise<void>;
  close: () => Promise<void>;
}

async function startTamperProxy(c: TestCluster): Promise<TamperProxy> {
  const state: TamperProxy = {
    url: "",
    seen: [],
    mode: "refuse",
    between: async () => {},
    close: async () => {},
  };
  let tableAnswered = Promise.resolve();
  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    accept: string,
    edit?: (b: string) => string,
  ) => {
    const up = httpsRequest(
      new URL(req.url ?? "/", c.server),
      { method: req.method, ca: c.ca, headers: { authorization: req.headers.authorization ?? "", accept } },
      (ur) => {
        const chunks: Buffer[] = [];
        ur.on("data", (d: Buffer) => chunks.push(d));
        ur.on("end", () => {
          const body = Buffer.concat(chunks);
          const out = edit ? Buffer.from(edit(body.toString("utf8"))) : body;
          res.writeHead(ur.statusCode ?? 502, { "content-type": String(ur.headers["content-type"]) });
          res.end(out);
        });
      },
    );
    up.on("error", () => res.destroy());
    req.pipe(up);
  };
  const server: Server = createServer((req, res) => {
    const accept = String(req.headers.accept ?? "");
    const meta = accept.includes("as=PartialObjectMetadataList");
    const q = new URL(req.url ?? "/", "http://x").searchParams;
    state.seen.push(meta ? "metadata-list" : `table:${q.get("includeObject") ?? "-"}`);
    if (!meta && q.get("includeObject") === "None")
      tableAnswered = new Promise((resolve) => res.on("finish", () => resolve()));
    if (meta && state.mode === "churn") {
      void tableAnswered.then(state.between).then(() => forward(req, res, accept));
      return;
    }
    if (meta && state.mode === "refuse") {
      res.writeHead(406, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          kind: "Status",
          apiVersion: "v1",
          status: "Failure",
          code: 406,
          reason: "NotAcceptable",
        }),
      );
      return;
    }
    if (meta && state.mode === "drop-one")
      return forward(req, res, JSON_META, (b) => {
        const list = JSON.parse(b) as { items: unknown[] };
        list.items.pop(); // one object short, as if the two reads had seen different lists
        return JSON.stringify(list);
      });
    forward(req, res, accept);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((r) => server.close(() => r()));
  return state;
}

describe("all-namespace tables fall back to embedded metadata (STUB proxy before a real apiserver)", () => {
  let proxy: TamperProxy;
  let ts: TestServer;
  let ns: string[];
  const run = `fb-${Math.random().toString(36).slice(2, 8)}`;
  beforeAll(async () => {
    ns = [await freshNamespace(lax1, "fb"), await freshNamespace(lax1, "fb")];
    for (const n of ns)
      for (let i = 0; i < 3; i++)
        await create(lax1, `/api/v1/namespaces/${n}/configmaps`, {
          metadata: { name: `cm-${i}`, labels: { suite: run } },
        });
    proxy = await startTamperProxy(lax1);
    const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-tamper-"));
    await writeKubeconfig(join(dir, "tampered.yaml"), "tampered", proxy.url, lax1.adminToken);
    ts = await startTestServer({ kubeconfig_dir: dir });
  });
  afterAll(async () => {
    await ts?.close();
    await proxy?.close();
  });

  const list = (): Promise<Row[]> =>
    allRows(ts, "resources_list", {
      cluster: "tampered",
      apiVersion: "v1",
      kind: "ConfigMap",
      labelSelector: `suite=${run}`,
    });

  it("untampered (control): the bare table and the protobuf metadata list, nothing embedded", async () => {
    proxy.mode = "pass";
    proxy.seen.length = 0;
    const rows = await list();
    expect(pairs(rows)).toEqual(await truth(lax1, `/api/v1/configmaps?labelSelector=suite%3D${run}`));
    expect(proxy.seen.filter((s) => s !== "table:-").sort()).toEqual(["metadata-list", "table:None"]);
  });

  for (const mode of ["refuse", "drop-one"] as const) {
    it(`${mode === "refuse" ? "a refused metadata list (406)" : "a metadata list one object short"}: the embedded form, right namespaces`, async () => {
      proxy.mode = mode;
      proxy.seen.length = 0;
      const rows = await list();
      expect(pairs(rows)).toEqual(await truth(lax1, `/api/v1/configmaps?labelSelector=suite%3D${run}`));
      expect(pairs(rows)).toHaveLength(6);
      // The bare table and the metadata list go out side by side; the embedded form only after both answered.
      const seen = proxy.seen.filter((s) => s !== "table:-");
      expect(seen.slice(0, 2).sort()).toEqual(["metadata-list", "table:None"]);
      expect(seen.slice(2)).toEqual(["table:Metadata"]);
    });
  }

  it("same-named objects churned across namespaces between the two reads: every row's namespace and cells are the API's", async () => {
    // a/web and b/web; between the bare table and the metadata list, b/web is deleted and c/web created: the same
    // count, the same names at the same sort positions, but a different object in the second row.
    const churn = `${run}-churn`;
    const [a, b, c] = ["a", "b", "c"];
    for (const n of [a, b, c])
      await create(lax1, "/api/v1/namespaces", { metadata: { name: `${churn}-${n}` } });
    const web = (n: string, keys: number) =>
      create(lax1, `/api/v1/namespaces/${churn}-${n}/configmaps`, {
        metadata: { name: "web", labels: { suite: churn } },
        data: Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, "v"])),
      });
    await web(a, 1);
    await web(b, 2);
    proxy.mode = "churn";
    proxy.between = async () => {
      const gone = await apiRequest(admin(lax1), "DELETE", `/api/v1/namespaces/${churn}-${b}/configmaps/web`);
      expect(gone.status).toBe(200);
      expect((await web(c, 3)).status).toBe(201);
    };
    proxy.seen.length = 0;
    const rows = await allRows(ts, "resources_list", {
      cluster: "tampered",
      apiVersion: "v1",
      kind: "ConfigMap",
      labelSelector: `suite=${churn}`,
    });
    expect(rows.map((r) => `${r.namespace}/${r.name}:${r.data}`)).toEqual([
      `${churn}-a/web:1`,
      `${churn}-c/web:3`,
    ]);
    expect(pairs(rows)).toEqual(await truth(lax1, `/api/v1/configmaps?labelSelector=suite%3D${churn}`));
    // The two reads saw different resourceVersions, so the rows came from the embedded form, read after the churn.
    expect(proxy.seen.filter((s) => s !== "table:-").slice(2)).toEqual(["table:Metadata"]);
  });
});
