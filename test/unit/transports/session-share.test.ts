// Which of a signed-in user's HTTP sessions make room for a new one: the least recently used idle ones, never a
// busy one; and the per-user share derived from the session limit.
import { describe, expect, it } from "vitest";
import { sessionsPerUser } from "../../../src/transports/http.js";
import { sessionsToEvict } from "../../../src/transports/http-sessions.js";

const s = (name: string, lastUsed: number, inFlight = 0) => ({ name, lastUsed, inFlight });

describe("sessionsToEvict", () => {
  it("closes nothing while the user is under the share", () => {
    expect(sessionsToEvict([s("a", 1), s("b", 2)], 3)).toEqual([]);
  });
  it("closes the least recently used idle session when the user is at the share", () => {
    const own = [s("new", 30), s("old", 10), s("mid", 20)];
    expect(sessionsToEvict(own, 3)?.map((x) => x.name)).toEqual(["old"]);
  });
  it("skips busy sessions, however old", () => {
    const own = [s("old-busy", 1, 2), s("mid", 20), s("new", 30)];
    expect(sessionsToEvict(own, 3)?.map((x) => x.name)).toEqual(["mid"]);
  });
  it("refuses (undefined) when every session at the share is busy", () => {
    expect(sessionsToEvict([s("a", 1, 1), s("b", 2, 1)], 2)).toBeUndefined();
  });
  it("closes enough to get back under a share that shrank", () => {
    const own = [s("a", 1), s("b", 2), s("c", 3), s("d", 4)];
    expect(sessionsToEvict(own, 2)?.map((x) => x.name)).toEqual(["a", "b", "c"]);
  });
});

describe("sessionsPerUser", () => {
  it("is a hundredth of the session limit, at least one", () => {
    expect(sessionsPerUser(10_000)).toBe(100);
    expect(sessionsPerUser(250)).toBe(2);
    expect(sessionsPerUser(5)).toBe(1);
  });
});
