// Both protocol eras over HTTP with the SDK v2 client: clusters_exec_all sends one progress notification per
// finished cluster and stops its legs when the client cancels; a call to a tool hidden by policy is an isError
// result naming the setting (not the SDK's -32602), and an unknown tool is still a protocol error.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { CallRecord } from "../../../src/mcp/deps.js";
import { type FleetDir, makeFleetDir } from "../../helpers/fleet.js";
import { resultText } from "../../helpers/mcp.js";
import { type HttpTestServer, startHttpTestServer } from "./helpers.js";

const cp = inject("controlplane");

const ERAS = [
  { era: "2026-07-28", mode: { pin: "2026-07-28" } },
  { era: "2025-11-25", mode: "legacy" as const },
];

describe.each(ERAS)("HTTP, protocol $era: fan-out and hidden tools", ({ era, mode }) => {
  const modern = era === "2026-07-28";
  let fleet: FleetDir;
  let srv: HttpTestServer;
  let ro: HttpTestServer;
  const records: CallRecord[] = [];
  const clients: Client[] = [];

  async function connect(server: HttpTestServer): Promise<Client> {
    const client = new Client(
      { name: "k8s-mcp-eras-fleet", version: "1.0.0" },
      { versionNegotiation: { mode } },
    );
    await client.connect(new StreamableHTTPClientTransport(new URL(server.handle.url)));
    clients.push(client);
    expect(client.getNegotiatedProtocolVersion()).toBe(era);
    return client;
  }

  beforeAll(async () => {
    fleet = await makeFleetDir(cp);
    srv = await startHttpTestServer({ kubeconfig_dir: fleet.dir, auto_discovery: false });
    const audit = srv.deps.onCall;
    srv.deps.onCall = (r) => {
      records.push(r);
      audit?.(r);
    };
    ro = await startHttpTestServer({ kubeconfig_dir: cp.kubeconfigDir, read_only: true });
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await srv?.close();
    await ro?.close();
    await fleet?.close();
  });

  it("clusters_exec_all sends one progress notification per finished cluster", async () => {
    const client = await connect(srv);
    const seen: { progress: number; total?: number; message?: string }[] = [];
    const res = await client.callTool(
      {
        name: "clusters_exec_all",
        arguments: { operation: "namespaces_list", clusters: ["c1-*", "refused"] },
      },
      { onprogress: (p) => seen.push(p) },
    );
    expect(resultText(res as never)).toMatch(/3\/4 ok, 1 failed/);
    expect(seen.map((p) => p.progress).sort()).toEqual([1, 2, 3, 4]);
    expect(seen.every((p) => p.total === 4)).toBe(true);
    expect(seen.some((p) => p.message === "refused: error")).toBe(true);
  });

  it("a cancelled clusters_exec_all stops its legs in flight", async () => {
    const client = await connect(srv);
    const before = records.length;
    const hangingBefore = fleet.hanging.connections();
    const controller = new AbortController();
    const pending = client.callTool(
      {
        name: "clusters_exec_all",
        arguments: { operation: "namespaces_list", clusters: ["hanging", "c1-sv5"], timeout_seconds: 30 },
      },
      { signal: controller.signal },
    );
    // The healthy leg has finished and the hanging one is waiting on its apiserver.
    await vi.waitFor(() => {
      expect(records.slice(before).some((r) => r.cluster === "c1-sv5")).toBe(true);
      expect(fleet.hanging.connections()).toBeGreaterThan(hangingBefore);
    });
    const abortedAt = Date.now();
    controller.abort();
    await expect(pending).rejects.toThrow();
    await vi.waitFor(() => {
      const hung = records.slice(before).find((r) => r.cluster === "hanging");
      expect(hung?.error).toMatch(/cancelled/);
    });
    expect(Date.now() - abortedAt).toBeLessThan(5000);
  });

  it("a tool hidden by read_only answers isError naming the setting; an unknown tool is a protocol error", async () => {
    const client = await connect(ro);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain("pods_list");
    expect(names).not.toContain("pods_delete");
    const res = await client.callTool({
      name: "pods_delete",
      arguments: { cluster: "c1-sv5", name: "nope", namespace: "default" },
    });
    expect(res.isError).toBe(true);
    expect(resultText(res as never)).toMatch(
      /^pods_delete is not available on this server: it is hidden by read_only \(--read-only\)/,
    );
    await expect(client.callTool({ name: "no_such_tool", arguments: {} })).rejects.toThrow(
      /no_such_tool not found/,
    );
  });

  it(
    modern
      ? "clusters_switch is not offered without a session, and a call says why"
      : "clusters_switch is offered in a session",
    async () => {
      const client = await connect(srv);
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names.includes("clusters_switch")).toBe(!modern);
      const res = await client.callTool({ name: "clusters_switch", arguments: { cluster: "c1-lax1" } });
      expect(Boolean(res.isError), resultText(res as never)).toBe(modern);
      if (modern)
        expect(resultText(res as never)).toMatch(/hidden by stateless HTTP .*name `cluster` on each call/);
      else expect(resultText(res as never)).toMatch(/c1-lax1/);
    },
  );
});
