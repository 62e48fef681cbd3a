// Ages render like kubectl's HumanDuration.
import { describe, expect, it } from "vitest";
import { age } from "../../src/kube/age.js";

describe("age", () => {
  const now = Date.parse("2026-11-24T12:00:00Z");
  const ago = (seconds: number): string => new Date(now - seconds * 1000).toISOString();
  it.each([
    [45, "45s"],
    [119, "119s"],
    [310, "5m10s"],
    [600, "10m"],
    [179 * 60, "179m"],
    [200 * 60, "3h20m"],
    [5 * 3600, "5h"],
    [47 * 3600, "47h"],
    [(3 * 24 + 5) * 3600, "3d5h"],
    [10 * 86400, "10d"],
    [800 * 86400, "2y70d"],
    [3000 * 86400, "8y"],
  ])("%i seconds ago is %s", (seconds, expected) => {
    expect(age(ago(seconds), now)).toBe(expected);
  });
  it("handles missing and unparseable timestamps", () => {
    expect(age(undefined, now)).toBe("<unknown>");
    expect(age("not a date", now)).toBe("not a date");
  });
});
