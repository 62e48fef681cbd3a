// The tools/list contract: every tool's name, title, annotations, input and output schemas, as a client sees them.
// A change here is a change to what agents are told; review the snapshot diff like an API change.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/mcp.js";

const cp = inject("controlplane");

describe("the tools/list contract", () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({ kubeconfig_dir: cp.kubeconfigDir });
  });
  afterAll(async () => ts?.close());

  it("matches the tools/list snapshot (names, annotations, input and output schemas)", async () => {
    const tools = (await ts.client.listTools()).tools.map((t) => ({
      name: t.name,
      title: t.title,
      annotations: t.annotations,
      input: t.inputSchema,
      output: t.outputSchema,
    }));
    expect(tools.length).toBeGreaterThan(10);
    expect(tools).toMatchSnapshot();
  });
});
