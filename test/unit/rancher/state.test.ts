// The freshness rule and the state file.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freshWindowMs, isFresh, loadState, STATE_FILE, saveState } from "../../../src/rancher/state.js";

const HOUR = 3_600_000;

describe("freshness", () => {
  it("keeps a file younger than refresh_interval minus the slack", () => {
    const now = 10 * HOUR;
    expect(isFresh(now - 30 * 60_000, now, HOUR)).toBe(true);
    expect(isFresh(now - 58 * 60_000, now, HOUR)).toBe(true);
    expect(isFresh(now - 59 * 60_000, now, HOUR)).toBe(false); // slack is 1 minute for 1h
    expect(isFresh(now - 2 * HOUR, now, HOUR)).toBe(false);
  });

  it("uses a 10% slack for short intervals, so the next tick always regenerates", () => {
    expect(freshWindowMs(2_000)).toBe(1_800);
    expect(freshWindowMs(HOUR)).toBe(HOUR - 60_000);
    expect(isFresh(1_000, 1_000 + 1_900, 2_000)).toBe(false);
    expect(isFresh(1_000, 1_000 + 1_700, 2_000)).toBe(true);
  });
});

describe("state file", () => {
  it("round-trips, and a missing or corrupt file reads as empty", async () => {
    const dir = await mkdtemp(join(tmpdir(), "state-"));
    expect(await loadState(dir)).toEqual({ version: 1 });
    const state = { version: 1 as const, lastSuccessAt: "2025-01-01T00:00:00.000Z" };
    await saveState(dir, state);
    expect(await loadState(dir)).toEqual(state);
    expect(STATE_FILE.startsWith(".")).toBe(true);
    await writeFile(join(dir, STATE_FILE), "{not json");
    expect(await loadState(dir)).toEqual({ version: 1 });
    await writeFile(join(dir, STATE_FILE), JSON.stringify({ version: 2 }));
    expect(await loadState(dir)).toEqual({ version: 1 });
    expect(await readFile(join(dir, STATE_FILE), "utf8")).toContain("version");
  });
});
