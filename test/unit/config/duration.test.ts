import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "../../../src/config/duration.js";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["1m", 60_000],
    ["1h", 3_600_000],
    ["1h30m", 5_400_000],
    ["2m30s500ms", 150_500],
    ["1.5h", 5_400_000],
    ["0", 0],
    [" 15m ", 900_000],
  ])("%s is %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "5x", "-5s", "5", "m", "1h 30m", "1hh", "ten seconds"])("rejects %j", (text) => {
    expect(() => parseDuration(text)).toThrow(/duration/);
  });

  it("says why a negative duration is refused", () => {
    expect(() => parseDuration("-1m")).toThrow('negative duration "-1m"');
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [500, "500ms"],
    [30_000, "30s"],
    [5_400_000, "1h30m"],
    [150_500, "2m30s500ms"],
  ])("%d ms is %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("round-trips with parseDuration", () => {
    for (const ms of [1, 999, 61_001, 86_400_000]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });

  it("rejects negative input", () => {
    expect(() => formatDuration(-1)).toThrow();
  });
});
