// Start-up answers against a hostile or broken client and a tampered cache: an answer is given only where the SDK
// would give the same one (its message rules, the connection's era), is never lost to a cancellation or a reused id,
// and a cache file is used only when it is this user's regular file of JSON, sent as one line.
import { chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/log.js";
import type { Frame } from "../../../src/transports/line-framer.js";
import { StartupAnswers } from "../../../src/transports/startup-answers.js";
import { PrivateDir } from "../../../src/util/private-dir.js";

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});
function cacheDir(): string {
  const root = mkdtempSync(join(tmpdir(), "k8s-mcp-sah-"));
  roots.push(root);
  return join(root, "startup");
}
function answers(dir: string, key = "k1"): StartupAnswers {
  return new StartupAnswers(new PrivateDir(dir), key, createLogger({ level: "error", write: () => {} }));
}
const line = (v: unknown): Frame => ({ kind: "line", text: JSON.stringify(v) });
function early(sa: StartupAnswers, messages: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const m of messages) sa.answerEarly(line(m), (l) => out.push(JSON.parse(l)));
  return out;
}
// A session served by the SDK: each request in, its reply out (the first start, which keeps the answers).
function serve(sa: StartupAnswers, exchanges: [object, unknown][]): void {
  for (const [request, result] of exchanges) {
    sa.incoming(request);
    if ("id" in request) sa.outgoing({ jsonrpc: "2.0", id: request.id, result });
  }
}

const META = {
  _meta: {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientInfo": { name: "t", version: "1" },
    "io.modelcontextprotocol/clientCapabilities": {},
  },
};
const INIT_PARAMS = {
  protocolVersion: "2025-06-18",
  capabilities: {},
  clientInfo: { name: "t", version: "1" },
};
const rpc = (id: string | number, method: string, params?: unknown): object =>
  params === undefined ? { jsonrpc: "2.0", id, method } : { jsonrpc: "2.0", id, method, params };
const LEGACY_LIST = { tools: [{ name: "a", inputSchema: { type: "object" } }] };
const MODERN_LIST = { ...LEGACY_LIST, resultType: "complete", ttlMs: 0, cacheScope: "public" };

describe("StartupAnswers and a hostile client", () => {
  it("answers only a message the SDK would take as it is: integer or string id, known members, object params", () => {
    const dir = cacheDir();
    serve(answers(dir), [[rpc(1, "tools/list"), LEGACY_LIST]]);
    expect(early(answers(dir), [rpc(2, "tools/list")])).toHaveLength(1);
    for (const bad of [
      rpc(1.5, "tools/list"),
      rpc(1e300, "tools/list"),
      { ...rpc(2, "tools/list"), extra: true },
      { ...rpc(2, "tools/list"), result: {} },
      rpc(2, "tools/list", null),
    ])
      expect(early(answers(dir), [bad])).toEqual([]);
  });

  it("answers only in the era the connection opened in, as the SDK pins it", () => {
    const dir = cacheDir();
    serve(answers(dir), [
      [rpc(1, "initialize", INIT_PARAMS), { protocolVersion: "2025-06-18" }],
      [rpc(2, "tools/list"), LEGACY_LIST],
    ]);
    serve(answers(dir), [
      [rpc("d", "server/discover", META), { supportedVersions: ["2026-07-28"] }],
      [rpc(3, "tools/list", META), MODERN_LIST],
    ]);
    // Each era alone is answered.
    expect(early(answers(dir), [rpc(1, "initialize", INIT_PARAMS), rpc(2, "tools/list")])).toHaveLength(2);
    expect(early(answers(dir), [rpc("d", "server/discover", META), rpc(3, "tools/list", META)])).toHaveLength(
      2,
    );
    // After a modern request the SDK refuses a bare one; after initialize it has no server/discover.
    const modernThenBare = early(answers(dir), [rpc(3, "tools/list", META), rpc(4, "tools/list")]);
    expect(modernThenBare).toEqual([{ jsonrpc: "2.0", id: 3, result: MODERN_LIST }]);
    const legacyThenDiscover = early(answers(dir), [
      rpc(1, "initialize", INIT_PARAMS),
      rpc("d", "server/discover", META),
    ]);
    expect(legacyThenDiscover).toHaveLength(1);
    // A legacy notification after server/discover turns the connection legacy: nothing more is answered.
    const switched = answers(dir);
    expect(early(switched, [rpc("d", "server/discover", META)])).toHaveLength(1);
    expect(
      switched.answerEarly(line({ jsonrpc: "2.0", method: "notifications/initialized" }), () => {}),
    ).toBe(false);
  });

  it("keeps no answer where the SDK's depends on more than the era: a claim of another revision", () => {
    const dir = cacheDir();
    const other = { _meta: { ...META._meta, "io.modelcontextprotocol/protocolVersion": "2099-01-01" } };
    // A pinned modern connection may answer it; as an opening, the SDK refuses that revision.
    serve(answers(dir), [
      [rpc("d", "server/discover", META), { supportedVersions: ["2026-07-28"] }],
      [rpc(3, "tools/list", META), MODERN_LIST],
      [rpc(4, "tools/list", other), MODERN_LIST],
      [rpc(5, "initialize", { ...INIT_PARAMS, ...META }), { protocolVersion: "2025-06-18" }],
    ]);
    expect(early(answers(dir), [rpc(4, "tools/list", other)])).toEqual([]);
    expect(early(answers(dir), [rpc(5, "initialize", { ...INIT_PARAMS, ...META })])).toEqual([]);
  });

  it("does not hand the SDK a cancellation of a request answered early, so a reused id keeps its reply", () => {
    const dir = cacheDir();
    serve(answers(dir), [[rpc(1, "initialize", INIT_PARAMS), { protocolVersion: "2025-06-18" }]]);
    const sa = answers(dir);
    expect(early(sa, [rpc(1, "initialize", INIT_PARAMS)])).toHaveLength(1);
    const cancel = { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1 } };
    expect(sa.incoming(rpc(1, "initialize", INIT_PARAMS))).toBe(true);
    expect(sa.incoming(cancel)).toBe(false);
    // The SDK was not told, so it replies to the first id 1 (not sent again), then to the reused one (sent).
    expect(sa.outgoing({ jsonrpc: "2.0", id: 1, result: { protocolVersion: "2025-06-18" } })).toBe(false);
    expect(sa.incoming(rpc(1, "tools/call", { name: "x" }))).toBe(true);
    expect(sa.outgoing({ jsonrpc: "2.0", id: 1, result: { content: [] } })).toBe(true);
    // A cancellation of anything else reaches the SDK.
    expect(sa.incoming({ ...cancel, params: { requestId: 9 } })).toBe(true);
  });

  it("keeps the SDK's replies under the configuration's key once it replaced the start memo's", () => {
    const dir = cacheDir();
    serve(answers(dir, "memo"), [[rpc(1, "tools/list"), LEGACY_LIST]]);
    const sa = answers(dir, "memo");
    expect(early(sa, [rpc(1, "tools/list")])).toHaveLength(1);
    sa.rekey("resolved");
    const resolved = { tools: [] };
    expect(sa.outgoing({ jsonrpc: "2.0", id: 1, result: resolved })).toBe(false);
    // The memo's configuration keeps its own answer; the resolved one gets the SDK's.
    expect(early(answers(dir, "memo"), [rpc(2, "tools/list")])).toEqual([
      { jsonrpc: "2.0", id: 2, result: LEGACY_LIST },
    ]);
    expect(early(answers(dir, "resolved"), [rpc(3, "tools/list")])).toEqual([
      { jsonrpc: "2.0", id: 3, result: resolved },
    ]);
  });
});

describe("PrivateDir and a tampered cache", () => {
  const ready = (): { dir: PrivateDir; path: string } => {
    const path = cacheDir();
    const dir = new PrivateDir(path);
    expect(dir.ready()).toBe(true);
    return { dir, path };
  };

  it("gives a hand-formatted JSON file back as one line", () => {
    const { dir, path } = ready();
    writeFileSync(join(path, "a.json"), '{\n  "tools": [\n    1\n  ]\n}\n');
    expect(dir.readJson("a.json")).toBe('{"tools":[1]}');
  });

  // A FIFO in the cache (read without the fix, it would wait for a writer forever): test/e2e/startup-answers-hostile.
  it("reads no directory and no file over 4 MiB", () => {
    const { dir, path } = ready();
    mkdirSync(join(path, "dir.json"));
    expect(dir.readJson("dir.json")).toBeUndefined();
    writeFileSync(join(path, "big.json"), "{}");
    truncateSync(join(path, "big.json"), 4 * 1024 * 1024 + 1);
    expect(dir.readJson("big.json")).toBeUndefined();
  });

  it("reads no file another user owns, directly or through a symlink", () => {
    const { dir, path } = ready();
    writeFileSync(join(path, "mine.json"), '{"tools":[]}');
    expect(dir.readJson("mine.json")).toBe('{"tools":[]}');
    if (process.getuid?.() !== 0) return; // only root can make a file another user's
    writeFileSync(join(path, "theirs.json"), '{"tools":[]}');
    chownSync(join(path, "theirs.json"), 4242, 4242);
    expect(dir.readJson("theirs.json")).toBeUndefined();
    const outside = join(cacheDir(), "..", "planted.json");
    writeFileSync(outside, '{"tools":[]}');
    chownSync(outside, 4242, 4242);
    symlinkSync(outside, join(path, "link.json"));
    expect(dir.readJson("link.json")).toBeUndefined();
  });
});
