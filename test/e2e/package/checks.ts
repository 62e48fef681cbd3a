// The checks every package suite runs after its transport is connected: the scenario, tool coverage, secrets and
// the golden transcript. Registered inside a describe() of the transport's test file.
import { fileURLToPath } from "node:url";
import type { Client } from "@modelcontextprotocol/client";
import { expect, it } from "vitest";
import type { Fixture } from "./fixture.js";
import { type Exchange, matchGolden, renderTranscript } from "./golden.js";
import { leakedSecrets, runScenario, uncalledTools } from "./scenario.js";

/** Why: what the checks read; filled by the test file's beforeAll (hence getters, not values). */
export interface SuiteState {
  client: () => Client;
  fixture: () => Fixture;
  /** Everything the server process wrote on stderr so far. */
  stderr: () => string;
  exchanges: Exchange[];
}

/** Why: both transports are held to the same scenario and the same standards, each with its own golden file. */
export function registerScenarioChecks(state: SuiteState, golden: string, intro: string[]): void {
  let tools: string[] = [];
  const { exchanges } = state;

  it("runs the scenario: every step's response and cluster-side checks hold", async () => {
    tools = (await state.client().listTools()).tools.map((t) => t.name);
    await runScenario(state.client(), state.fixture(), exchanges, !tools.includes("clusters_switch"));
  }, 180_000);

  it("called every tool tools/list returned (a listed tool the suite does not call fails here)", () => {
    expect(tools.length).toBeGreaterThan(20);
    expect(uncalledTools(tools, exchanges)).toEqual([]);
  });

  it("serves prompts, completion and resources from the package (a Secret read as a resource stays redacted)", async () => {
    const client = state.client();
    const ns = state.fixture().namespace;
    const prompts = (await client.listPrompts()).prompts.map((p) => p.name).sort();
    expect(prompts).toEqual(["compare_environments", "debug_pod", "fleet_health"]);
    const prompt = await client.getPrompt({
      name: "debug_pod",
      arguments: { cluster: "c1-lax1", namespace: ns, pod: "web-1" },
    });
    expect(JSON.stringify(prompt.messages)).toContain('cluster: \\"c1-lax1\\"');
    const clusters = await client.complete({
      ref: { type: "ref/prompt", name: "debug_pod" },
      argument: { name: "cluster", value: "c1-" },
    });
    expect(clusters.completion.values).toEqual(expect.arrayContaining(["c1-sv5", "c1-lax1"]));
    const namespaces = await client.complete({
      ref: { type: "ref/prompt", name: "debug_pod" },
      argument: { name: "namespace", value: "e2e-" },
      context: { arguments: { cluster: "c1-lax1" } },
    });
    expect(namespaces.completion.values).toContain(ns);
    const list = await client.readResource({ uri: "k8s://clusters" });
    expect(JSON.stringify(list.contents)).toContain("c1-lax1");
    const secret = await client.readResource({ uri: `k8s://c1-lax1/v1/Secret/${ns}/creds` });
    const text = JSON.stringify(secret.contents);
    expect(text).toContain("creds");
    expect(text).toContain("redacted");
    for (const s of state.fixture().secrets) expect(text).not.toContain(s);
  });

  it("never returned or logged a token or a Secret value", () => {
    expect(exchanges.length).toBeGreaterThan(0);
    expect(leakedSecrets(state.fixture(), exchanges)).toEqual([]);
    for (const s of state.fixture().secrets) expect(state.stderr()).not.toContain(s);
  });

  it(`matches the golden transcript test/golden/${golden}`, async () => {
    expect(exchanges.length).toBeGreaterThan(0);
    const file = fileURLToPath(new URL(`../../golden/${golden}`, import.meta.url));
    const md = renderTranscript(
      intro[0] ?? golden,
      intro.slice(1),
      tools,
      exchanges,
      state.fixture().replacements,
    );
    await matchGolden(file, md);
  });
}
