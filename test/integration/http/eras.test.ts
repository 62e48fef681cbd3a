// Both protocol eras over the HTTP transport with the SDK v2 client: 2026-07-28 requests are stateless (no
// session id, no clusters_switch, `cluster`/default_cluster decides); confirmations reach the client through an
// input request (2026-07-28) or elicitation (2025), and a client that accepts, declines or ignores gets just that.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { create, freshNamespace, statusOf } from "../../helpers/cluster-api.js";
import { resultText } from "../../helpers/mcp.js";
import { type HttpTestServer, startHttpTestServer } from "./helpers.js";

const cp = inject("controlplane");
const [sv5, lax1] = cp.clusters;

const cm = (ns: string, name: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n  k: v\n`;

type Answer = "accept" | "decline" | "ignore";
const ERAS = [
  { era: "2026-07-28", mode: { pin: "2026-07-28" } },
  { era: "2025-11-25", mode: "legacy" as const },
];

describe.each(ERAS)("HTTP, protocol $era", ({ era, mode }) => {
  let srv: HttpTestServer;
  let ns: string;
  const asked: string[] = [];
  const clients: Client[] = [];

  // A v2 client; `answer` set: it declares elicitation and answers each question that way ("ignore": never).
  async function connect(
    answer?: Answer,
  ): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
    const transport = new StreamableHTTPClientTransport(new URL(srv.handle.url));
    const client = new Client(
      { name: "k8s-mcp-eras", version: "1.0.0" },
      {
        versionNegotiation: { mode },
        capabilities: answer ? { elicitation: {} } : {},
        // 2026-07-28: a client that ignores an input request does not retry the call with an answer.
        ...(answer === "ignore" ? { inputRequired: { autoFulfill: false } } : {}),
      },
    );
    if (answer)
      client.setRequestHandler("elicitation/create", async (req) => {
        asked.push(String((req.params as { message?: string }).message));
        if (answer === "ignore") return new Promise(() => {});
        return answer === "accept" ? { action: "accept", content: { confirm: true } } : { action: "decline" };
      });
    await client.connect(transport);
    clients.push(client);
    expect(client.getNegotiatedProtocolVersion()).toBe(era);
    return { client, transport };
  }

  beforeAll(async () => {
    srv = await startHttpTestServer({
      kubeconfig_dir: cp.kubeconfigDir,
      default_cluster: "c1-lax1",
      confirm_clusters: ["c1-sv5"],
    });
    ns = await freshNamespace(lax1!, `eras-${era.slice(0, 4)}`);
    await create(sv5!, "/api/v1/namespaces", { metadata: { name: ns } });
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await srv?.close();
  });

  it(
    era === "2025-11-25" ? "keeps a session with clusters_switch" : "has no session and no clusters_switch",
    async () => {
      const { client, transport } = await connect();
      const names = (await client.listTools()).tools.map((t) => t.name);
      const modern = era === "2026-07-28";
      expect(transport.sessionId === undefined).toBe(modern);
      expect(names.includes("clusters_switch")).toBe(!modern);
      // Without `cluster`, default_cluster decides; with it, the named cluster.
      const implicit = await client.callTool({ name: "test_whoami", arguments: {} });
      expect(resultText(implicit as never)).toMatch(/^c1-lax1 v/m);
      const named = await client.callTool({ name: "test_whoami", arguments: { cluster: "c1-sv5" } });
      expect(resultText(named as never)).toMatch(/^c1-sv5 v/m);
    },
  );

  it.each<[Answer, number]>([
    ["accept", 200],
    ["decline", 404],
  ])("a write on a confirm_clusters cluster asks the client: %s -> ConfigMap %i", async (answer, status) => {
    const { client } = await connect(answer);
    const name = `${answer}-${era.slice(0, 4)}`;
    const before = asked.length;
    const res = await client.callTool({
      name: "resources_create_or_update",
      arguments: { cluster: "c1-sv5", resource: cm(ns, name) },
    });
    expect(asked.slice(before)).toEqual([
      expect.stringMatching(/resources_create_or_update on cluster 'c1-sv5'/),
    ]);
    expect(Boolean(res.isError), resultText(res as never)).toBe(answer !== "accept");
    expect(await statusOf(sv5!, `/api/v1/namespaces/${ns}/configmaps/${name}`)).toBe(status);
  });

  it("a client that ignores the question gets no write (2025: its timeout ends the call; 2026: it never retries)", async () => {
    const { client } = await connect("ignore");
    const name = `ignored-${era.slice(0, 4)}`;
    await expect(
      client.callTool(
        { name: "resources_create_or_update", arguments: { cluster: "c1-sv5", resource: cm(ns, name) } },
        { timeout: 1500 },
      ),
    ).rejects.toThrow();
    expect(await statusOf(sv5!, `/api/v1/namespaces/${ns}/configmaps/${name}`)).toBe(404);
  });

  it("`confirm: true` is still accepted, without asking", async () => {
    const { client } = await connect("decline");
    const before = asked.length;
    const res = await client.callTool({
      name: "resources_create_or_update",
      arguments: { cluster: "c1-sv5", resource: cm(ns, `flag-${era.slice(0, 4)}`), confirm: true },
    });
    expect(res.isError, resultText(res as never)).toBeFalsy();
    expect(asked.length).toBe(before);
    expect(await statusOf(sv5!, `/api/v1/namespaces/${ns}/configmaps/flag-${era.slice(0, 4)}`)).toBe(200);
  });
});
