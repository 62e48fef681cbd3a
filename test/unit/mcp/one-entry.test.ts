// The one entry (callTool): validation, output-schema check, budget and exactly one audit record, whoever calls.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { buildDeps, closeDeps } from "../../../src/app.js";
import { ConfigSchema } from "../../../src/config/index.js";
import { createLogger } from "../../../src/log.js";
import type { CallRecord, ServerDeps } from "../../../src/mcp/deps.js";
import { callTool } from "../../../src/mcp/invoke.js";
import { defineFleetTool } from "../../../src/mcp/tool.js";

let dir: string;
let deps: ServerDeps;
const records: CallRecord[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "k8s-mcp-one-entry-"));
  const logger = createLogger({ level: "error", write: () => {} });
  deps = await buildDeps(ConfigSchema.parse({ kubeconfig_dir: dir, auto_discovery: false }), logger, {});
  deps.onCall = (r) => records.push(r);
});

afterAll(() => {
  closeDeps(deps);
  rmSync(dir, { recursive: true, force: true });
});

// A fleet tool whose handler returns whatever `reply` says: a count, or (bad) a string where a number belongs.
const probe = defineFleetTool({
  name: "probe_tool",
  title: "Probe",
  description: "test tool",
  input: () => z.object({ namespace: z.string().optional(), bad: z.boolean().optional() }),
  output: () => z.object({ count: z.number(), blob: z.string() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async (args) => ({
    text: "x".repeat(20_000),
    structured: { count: (args.bad ? "many" : 1) as number, blob: "y".repeat(20_000) },
  }),
});

const call = (args: Record<string, unknown>, budget?: number) =>
  callTool(deps, probe, args, { sessionId: "unit", signal: new AbortController().signal, budget });

describe("callTool, the one entry", () => {
  it("refuses unknown keys with the closest valid key, audited once as an error", async () => {
    const before = records.length;
    const r = await call({ namespce: "a" });
    expect(r.isError).toBe(true);
    expect(JSON.stringify(r.content)).toMatch(/unknown argument 'namespce' \(did you mean 'namespace'\?\)/);
    expect(records.slice(before)).toHaveLength(1);
    expect(records.at(-1)?.outcome).toBe("error");
  });

  it("checks the output schema before the audit record: a result the SDK would refuse is audited as an error", async () => {
    const before = records.length;
    const r = await call({ bad: true });
    expect(r.isError).toBe(true);
    expect(JSON.stringify(r.content)).toMatch(/does not match its output schema/);
    expect(records.slice(before).map((x) => x.outcome)).toEqual(["error"]);
  });

  it("bounds text and structuredContent together by the call's budget (max_output_bytes or a leg's share)", async () => {
    for (const budget of [undefined, 4000]) {
      const r = await call({}, budget);
      expect(r.isError).toBeFalsy();
      const size =
        Buffer.byteLength(JSON.stringify(r.content.map((c) => (c.type === "text" ? c.text : "")).join(""))) +
        Buffer.byteLength(JSON.stringify(r.structuredContent));
      expect(size).toBeLessThanOrEqual(budget ?? deps.config.max_output_bytes);
      expect((r.structuredContent as { count: number }).count).toBe(1);
    }
  });
});
