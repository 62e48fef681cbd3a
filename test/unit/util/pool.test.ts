// The bounded-concurrency map behind status checks and fan-out: results in input order, never more than the
// limit in flight, and once the signal aborts no new item starts (those are reported skipped, not lost).
import { describe, expect, it } from "vitest";
import { mapPool } from "../../../src/util/pool.js";

// A task per item whose promise the test settles by hand, so concurrency is observed, not timed.
function gated<T>() {
  const started: T[] = [];
  const release = new Map<T, () => void>();
  let inFlight = 0;
  let peak = 0;
  const fn = (item: T) =>
    new Promise<string>((resolve) => {
      started.push(item);
      peak = Math.max(peak, ++inFlight);
      release.set(item, () => {
        inFlight--;
        resolve(`done ${String(item)}`);
      });
    });
  return { started, release, fn, peak: () => peak };
}

const settle = () => new Promise<void>((r) => setImmediate(r));

describe("mapPool", () => {
  it("keeps input order and at most `limit` in flight", async () => {
    const g = gated<number>();
    const run = mapPool([1, 2, 3, 4, 5], 2, g.fn);
    await settle();
    expect(g.started).toEqual([1, 2]);
    g.release.get(2)?.();
    await settle();
    expect(g.started).toEqual([1, 2, 3]);
    for (const i of [1, 3, 4, 5]) {
      await settle();
      g.release.get(i)?.();
    }
    const out = await run;
    expect(out).toEqual([1, 2, 3, 4, 5].map((i) => ({ status: "done", value: `done ${i}` })));
    expect(g.peak()).toBe(2);
  });

  it("starts nothing new after the signal aborts; the rest are skipped", async () => {
    const g = gated<string>();
    const ac = new AbortController();
    const run = mapPool(["a", "b", "c", "d"], 2, g.fn, ac.signal);
    await settle();
    ac.abort();
    g.release.get("a")?.();
    g.release.get("b")?.();
    const out = await run;
    expect(g.started).toEqual(["a", "b"]);
    expect(out.map((o) => o.status)).toEqual(["done", "done", "skipped", "skipped"]);
  });

  it("an already aborted signal runs nothing", async () => {
    const g = gated<number>();
    const out = await mapPool([1, 2], 4, g.fn, AbortSignal.abort());
    expect(g.started).toEqual([]);
    expect(out).toEqual([{ status: "skipped" }, { status: "skipped" }]);
  });

  it("a limit below one still runs one at a time; no items, no calls", async () => {
    const seen: number[] = [];
    const out = await mapPool([1, 2, 3], 0, async (i, index) => {
      seen.push(index);
      return i * 10;
    });
    expect(seen).toEqual([0, 1, 2]);
    expect(out.map((o) => (o.status === "done" ? o.value : null))).toEqual([10, 20, 30]);
    expect(await mapPool([], 3, async () => 1)).toEqual([]);
  });

  it("a failing item rejects the whole map (callers catch inside fn to keep per-item outcomes)", async () => {
    await expect(
      mapPool([1, 2], 2, async (i) => {
        if (i === 2) throw new Error("boom");
        return i;
      }),
    ).rejects.toThrow("boom");
  });
});
