// Start-up answers: kept from the server's own replies, given back only for the same build, configuration and
// request, only from a private directory, and never twice to the client.
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/log.js";
import type { Frame } from "../../../src/transports/line-framer.js";
import { StartupAnswers, startupCacheDir, startupKey } from "../../../src/transports/startup-answers.js";
import { PrivateDir } from "../../../src/util/private-dir.js";

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function cacheDir(): string {
  const root = mkdtempSync(join(tmpdir(), "k8s-mcp-sa-"));
  roots.push(root);
  return join(root, "startup");
}

function answers(dir: string, key = "k1"): { sa: StartupAnswers; logs: string[] } {
  const logs: string[] = [];
  const logger = createLogger({ level: "debug", write: (l) => logs.push(l) });
  return { sa: new StartupAnswers(new PrivateDir(dir), key, logger), logs };
}

const INIT = {
  jsonrpc: "2.0",
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
};
const INIT_RESULT = {
  protocolVersion: "2025-06-18",
  capabilities: { tools: {} },
  serverInfo: { name: "k8s-mcp" },
};
const LIST = { jsonrpc: "2.0", method: "tools/list" };
const LIST_RESULT = { tools: [{ name: "pods_list", inputSchema: { type: "object" } }] };

const line = (v: unknown): Frame => ({ kind: "line", text: JSON.stringify(v) });

// What a first start does: the SDK answers, the transport passes each request in and each reply out.
function serveOnce(sa: StartupAnswers, request: object, id: number, result: unknown): boolean {
  sa.incoming({ ...request, id });
  return sa.outgoing({ jsonrpc: "2.0", id, result });
}

function earlyReplies(sa: StartupAnswers, frames: Frame[]): { kept: boolean[]; lines: unknown[] } {
  const lines: unknown[] = [];
  const kept = frames.map((f) => sa.answerEarly(f, (l) => lines.push(JSON.parse(l))));
  return { kept, lines };
}

describe("startupCacheDir", () => {
  it("is off for off/0/false/no, a directory when set, else under XDG_CACHE_HOME or ~/.cache", () => {
    for (const off of ["off", "0", "false", "NO"])
      expect(startupCacheDir({ K8S_MCP_STARTUP_CACHE: off }, "/h")).toBeUndefined();
    expect(startupCacheDir({ K8S_MCP_STARTUP_CACHE: "/var/c" }, "/h")).toBe("/var/c");
    expect(startupCacheDir({ XDG_CACHE_HOME: "/x" }, "/h")).toBe("/x/k8s-mcp/startup");
    expect(startupCacheDir({}, "/h")).toBe("/h/.cache/k8s-mcp/startup");
    expect(startupCacheDir({}, "")).toBeUndefined();
  });

  it("keys on the build and every setting", () => {
    const a = startupKey("b1", { read_only: false });
    expect(startupKey("b1", { read_only: false })).toBe(a);
    expect(startupKey("b1", { read_only: true })).not.toBe(a);
    expect(startupKey("b2", { read_only: false })).not.toBe(a);
  });
});

describe("StartupAnswers", () => {
  it("keeps the server's replies privately and gives them back to the next start, each to its own id", () => {
    const dir = cacheDir();
    const first = answers(dir).sa;
    expect(serveOnce(first, INIT, 1, INIT_RESULT)).toBe(true);
    expect(serveOnce(first, LIST, 2, LIST_RESULT)).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir);
    expect(files).toHaveLength(2);
    for (const f of files) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);

    const { sa, logs } = answers(dir);
    const { kept, lines } = earlyReplies(sa, [
      line({ ...INIT, id: "a" }),
      line({ jsonrpc: "2.0", method: "notifications/initialized" }),
      line({ ...LIST, id: 7 }),
    ]);
    // tools/list ends the opening exchange: the SDK loads now.
    expect(kept).toEqual([true, true, false]);
    expect(lines).toEqual([
      { jsonrpc: "2.0", id: "a", result: INIT_RESULT },
      { jsonrpc: "2.0", id: 7, result: LIST_RESULT },
    ]);
    expect(logs.filter((l) => l.includes("answered from the start-up cache"))).toHaveLength(2);
    // The SDK still gets both requests; its identical replies are not sent a second time, and nothing is rewritten.
    const before = files.map((f) => statSync(join(dir, f)).mtimeMs);
    expect(sa.outgoing({ jsonrpc: "2.0", id: "a", result: INIT_RESULT })).toBe(false);
    expect(sa.outgoing({ jsonrpc: "2.0", id: 7, result: LIST_RESULT })).toBe(false);
    expect(files.map((f) => statSync(join(dir, f)).mtimeMs)).toEqual(before);
    // Replies to anything else go out.
    expect(sa.outgoing({ jsonrpc: "2.0", id: 8, result: {} })).toBe(true);
    expect(sa.outgoing({ jsonrpc: "2.0", method: "notifications/message", params: {} })).toBe(true);
  });

  it("answers nothing for another configuration or another request, and nothing after a request that waits", () => {
    const dir = cacheDir();
    serveOnce(answers(dir).sa, INIT, 1, INIT_RESULT);
    serveOnce(answers(dir).sa, LIST, 2, LIST_RESULT);

    expect(earlyReplies(answers(dir, "k2").sa, [line({ ...INIT, id: 1 })])).toEqual({
      kept: [false],
      lines: [],
    });
    const otherVersion = { ...INIT, id: 1, params: { ...INIT.params, protocolVersion: "2025-03-26" } };
    expect(earlyReplies(answers(dir).sa, [line(otherVersion)])).toEqual({ kept: [false], lines: [] });
    // A call waits for the SDK; the cached tools/list behind it must not overtake it.
    const waits = earlyReplies(answers(dir).sa, [
      line({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "x" } }),
      line({ ...LIST, id: 2 }),
    ]);
    expect(waits).toEqual({ kept: [false, false], lines: [] });
    // Malformed input is the SDK's to answer.
    const bad = earlyReplies(answers(dir).sa, [
      { kind: "line", text: "{not json" },
      line({ ...LIST, id: 3 }),
    ]);
    expect(bad).toEqual({ kept: [false, false], lines: [] });
    expect(earlyReplies(answers(dir).sa, [{ kind: "oversized", bytes: 9, id: 4 }])).toEqual({
      kept: [false],
      lines: [],
    });
  });

  it("keeps the server's reply when it differs from the answer given, and says so", () => {
    const dir = cacheDir();
    serveOnce(answers(dir).sa, LIST, 1, LIST_RESULT);
    const { sa, logs } = answers(dir);
    expect(earlyReplies(sa, [line({ ...LIST, id: 5 })]).lines).toEqual([
      { jsonrpc: "2.0", id: 5, result: LIST_RESULT },
    ]);
    const changed = { tools: [] };
    expect(sa.outgoing({ jsonrpc: "2.0", id: 5, result: changed })).toBe(false);
    expect(logs.some((l) => l.includes("differed"))).toBe(true);
    expect(earlyReplies(answers(dir).sa, [line({ ...LIST, id: 6 })]).lines).toEqual([
      { jsonrpc: "2.0", id: 6, result: changed },
    ]);
  });

  it("keeps no error replies", () => {
    const dir = cacheDir();
    const sa = answers(dir).sa;
    sa.incoming({ ...LIST, id: 1 });
    expect(sa.outgoing({ jsonrpc: "2.0", id: 1, error: { code: -32603, message: "x" } })).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("trusts no directory another user could write, and no file that is not a JSON object", () => {
    const dir = cacheDir();
    serveOnce(answers(dir).sa, LIST, 1, LIST_RESULT);
    const [file] = readdirSync(dir);
    chmodSync(dir, 0o777);
    expect(earlyReplies(answers(dir).sa, [line({ ...LIST, id: 2 })]).lines).toEqual([]);
    chmodSync(dir, 0o700);
    if (process.getuid?.() === 0) {
      chownSync(dir, 4242, 4242);
      expect(earlyReplies(answers(dir).sa, [line({ ...LIST, id: 3 })]).lines).toEqual([]);
      chownSync(dir, 0, 0);
    }
    writeFileSync(join(dir, file as string), "[1,2]");
    expect(earlyReplies(answers(dir).sa, [line({ ...LIST, id: 4 })]).lines).toEqual([]);
    writeFileSync(join(dir, file as string), '{"tools": [');
    expect(earlyReplies(answers(dir).sa, [line({ ...LIST, id: 5 })]).lines).toEqual([]);
  });
});
