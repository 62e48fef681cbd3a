// The golden transcripts' normaliser: two runs that differ only in volatile values render the same file.
import type { CallToolResult } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { renderTranscript } from "../e2e/package/golden.js";

function render(text: string, structured?: Record<string, unknown>): string {
  const result: CallToolResult = { content: [{ type: "text", text }], structuredContent: structured };
  return renderTranscript(
    "t",
    [],
    ["pods_list"],
    [{ tool: "pods_list", args: {}, result }],
    [["/tmp/k8s-mcp-pkg-stdio-AbC123", "<work-dir>"]],
  );
}

describe("golden transcript normaliser", () => {
  it("lays tables out again so ages of different widths give identical lines", () => {
    const a = render("NAME    AGE   IP\nweb-1   9s    10.244.0.7\nweb-2   9s    10.244.0.8");
    const b = render("NAME    AGE     IP\nweb-1   2m10s   10.244.3.17\nweb-2   59s     10.244.3.18");
    expect(a).toBe(b);
    expect(a).toContain("web-1   <age>   <pod-ip>");
  });

  it("keeps a line after the table that does not fit its columns, and lines before it, as text", () => {
    const out = render("3/3 ok (checked in 12 ms)\nNAME   AGE\nx      5s\n3 cluster(s); active: c1-sv5");
    expect(out).toContain("3/3 ok (checked in <ms>)\nNAME   AGE\nx      <age>\n3 cluster(s); active: c1-sv5");
  });

  it("replaces uids, resourceVersions, times, paths and durations, in text and structuredContent", () => {
    const text = [
      "uid: 0f8fad5b-d9cb-469f-a165-70867728950e",
      'resourceVersion: "4711"',
      'creationTimestamp: "2026-12-02T03:41:07Z"',
      "file: /tmp/k8s-mcp-pkg-stdio-AbC123/kubeconfigs/c1-sv5.yaml",
    ].join("\n");
    const out = render(text, { durationMs: 17, startedAt: "2026-12-02T03:41:07.123Z", count: 2 });
    expect(out).toContain('uid: <uid>\nresourceVersion: "<rv>"\ncreationTimestamp: "<time>"');
    expect(out).toContain("file: <work-dir>/kubeconfigs/c1-sv5.yaml");
    expect(out).toContain('"durationMs": "<number>"');
    expect(out).toContain('"startedAt": "<time>"');
    expect(out).toContain('"count": 2');
  });
});
