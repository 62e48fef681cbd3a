// The checks every package suite runs after its transport is connected: the scenario, tool coverage, secrets and
// the golden transcript. Registered inside a describe() of the transport's test file.
import { fileURLToPath } from "node:url";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
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
    await runScenario(state.client(), state.fixture(), exchanges);
  }, 180_000);

  it("called every tool tools/list returned (a listed tool the suite does not call fails here)", () => {
    expect(tools.length).toBeGreaterThan(20);
    expect(uncalledTools(tools, exchanges)).toEqual([]);
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
