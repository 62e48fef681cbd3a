// Fault matrix, stdio: malformed, hostile and oversized JSON-RPC lines against the BUILT binary and a real
// cluster. Each case asserts the answer, that the next call is still served, no child left, bounded memory.
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { INITIALIZE_PARAMS, type StdioProcess, spawnServer } from "../../helpers/stdio-process.js";
import { childrenOf, memoryMiB } from "./proc.js";

const cp = inject("controlplane");
const [sv5] = cp.clusters;

interface RpcLine {
  jsonrpc?: string;
  id?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

describe("stdio fault matrix", () => {
  let srv: StdioProcess;
  let pid: number;
  const peaks: number[] = [];

  // Writes raw bytes and waits for the next stdout line that is not a reply to a numbered request.
  const rawExchange = async (raw: string | Buffer): Promise<RpcLine> => {
    const before = srv.stdoutLines.length;
    srv.child.stdin?.write(raw);
    await vi.waitFor(
      () => {
        if (srv.stdoutLines.length === before)
          throw new Error(`no answer; stderr: ${srv.stderr().slice(-2000)}`);
      },
      { timeout: 15_000, interval: 20 },
    );
    return JSON.parse(srv.stdoutLines[before] ?? "{}") as RpcLine;
  };

  // After every fault: a real call on a real cluster still answers, no child was started, memory is bounded.
  const stillServes = async (): Promise<void> => {
    const r = await srv.request("tools/call", {
      name: "namespaces_list",
      arguments: { cluster: sv5!.name },
    });
    const result = r.result as { isError?: boolean; structuredContent?: { cluster?: string } };
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent?.cluster).toBe(sv5!.name);
    expect(childrenOf(pid)).toEqual([]);
    const { peak } = memoryMiB(pid);
    peaks.push(peak);
    expect(peak).toBeLessThan(400);
  };

  beforeAll(async () => {
    srv = spawnServer(["--kubeconfig-dir", cp.kubeconfigDir]);
    pid = srv.child.pid as number;
    const init = await srv.request("initialize", INITIALIZE_PARAMS, 20_000);
    expect(init.error).toBeUndefined();
    srv.notify("notifications/initialized");
  });
  afterAll(async () => {
    process.stderr.write(`[faults/stdio] server peak RSS ${Math.max(...peaks).toFixed(1)} MiB\n`);
    srv?.child.stdin?.end();
    await srv?.exited;
  });

  it("invalid JSON gets -32700 with id null", async () => {
    const r = await rawExchange('{"jsonrpc":"2.0","id":1,"method":\n');
    expect(r).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32700, message: "Parse error: invalid JSON" },
    });
    await stillServes();
  });

  it("a batch array gets -32600 (batches are not part of MCP)", async () => {
    const r = await rawExchange(`${JSON.stringify([{ jsonrpc: "2.0", id: 70, method: "ping" }])}\n`);
    expect(r.id).toBeNull();
    expect(r.error?.code).toBe(-32600);
    expect(r.error?.message).toMatch(/batch/);
    await stillServes();
  });

  it('"jsonrpc":"1.0" gets -32600 with the request\'s id', async () => {
    const r = await rawExchange(`${JSON.stringify({ jsonrpc: "1.0", id: 71, method: "ping" })}\n`);
    expect(r.id).toBe(71);
    expect(r.error?.code).toBe(-32600);
    await stillServes();
  });

  it("an object or boolean id gets -32600 with id null", async () => {
    for (const id of [{ a: 1 }, true, [1]]) {
      const r = await rawExchange(`${JSON.stringify({ jsonrpc: "2.0", id, method: "ping" })}\n`);
      expect(r.id).toBeNull();
      expect(r.error?.code).toBe(-32600);
      expect(r.error?.message).toMatch(/id must be a string or a number/);
    }
    await stillServes();
  });

  it("a scalar, null or a method-less object gets -32600", async () => {
    for (const raw of ["42", "null", '"ping"', JSON.stringify({ jsonrpc: "2.0", id: 72 })]) {
      const r = await rawExchange(`${raw}\n`);
      expect(r.error?.code).toBe(-32600);
    }
    await stillServes();
  });

  it("non-object arguments or params get -32602 with a short message, no validation dump", async () => {
    for (const params of [
      { name: "namespaces_list", arguments: "x" },
      { name: "namespaces_list", arguments: [1, 2] },
      { name: 5 },
    ]) {
      const r = await srv.request("tools/call", params);
      const err = r.error as { code: number; message: string };
      expect(err.code).toBe(-32602);
      expect(err.message).toMatch(/^Invalid params: params\.(arguments|name): /);
      expect(err.message.length).toBeLessThan(200);
      expect(err.message).not.toMatch(/[[{]\s*"/); // not a JSON dump of zod issues
    }
    const r = await srv.request("tools/call", "not-an-object");
    expect((r.error as { code: number }).code).toBe(-32602);
    await stillServes();
  });

  it("an unknown method gets -32601 and a notification with bad params gets no answer", async () => {
    const r = await srv.request("no/such/method", {});
    expect((r.error as { code: number }).code).toBe(-32601);
    const before = srv.stdoutLines.length;
    srv.notify("notifications/cancelled", "bogus");
    await stillServes();
    // The only new line is the answer to stillServes' own request.
    expect(srv.stdoutLines.length).toBe(before + 1);
  });

  it("a line over 10 MiB gets -32600 naming the limit and its setting, with the request's own id", async () => {
    const pad = "x".repeat(11 * 1024 * 1024);
    const line = `${JSON.stringify({
      jsonrpc: "2.0",
      method: "tools/call",
      params: { name: "namespaces_list", arguments: { cluster: sv5!.name, labelSelector: pad } },
      id: 7001, // the SDK client writes the id after the params
    })}\n`;
    const r = await rawExchange(line);
    expect(r.id).toBe(7001);
    expect(r.error?.code).toBe(-32600);
    expect(r.error?.message).toMatch(/exceeds the limit of 4194304 bytes \(setting max_request_bytes\)/);
    await stillServes();
  });

  it("an oversized line without a newline for a while, then more calls, is still bounded", async () => {
    // 3 x 6 MiB chunks with the newline only at the very end; the server must not buffer them.
    const head = '{"jsonrpc":"2.0","id":"big-1","method":"ping","params":{"p":"';
    srv.child.stdin?.write(head);
    for (let i = 0; i < 3; i++) srv.child.stdin?.write("y".repeat(6 * 1024 * 1024));
    const r = await rawExchange('"}}\n');
    expect(r.id).toBe("big-1");
    expect(r.error?.code).toBe(-32600);
    await stillServes();
    expect(memoryMiB(pid).peak).toBeLessThan(400);
  });

  it("stdout carried only JSON-RPC lines throughout", () => {
    for (const line of srv.stdoutLines) expect((JSON.parse(line) as RpcLine).jsonrpc).toBe("2.0");
  });
});
