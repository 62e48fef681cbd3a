// Single-flight coalescing, cancellation by every waiter, and the write mutex.
import { describe, expect, it } from "vitest";
import { Mutex, SingleFlight } from "../../../src/rancher/flight.js";

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve: (v: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("SingleFlight", () => {
  it("coalesces concurrent runs into one", async () => {
    const flight = new SingleFlight<number>();
    const gate = deferred<number>();
    let starts = 0;
    const start = async (): Promise<number> => {
      starts++;
      return gate.promise;
    };
    const a = flight.run(start);
    const b = flight.run(start);
    expect(a.joined).toBe(false);
    expect(b.joined).toBe(true);
    expect(flight.running).toBe(true);
    gate.resolve(7);
    expect(await Promise.all([a.promise, b.promise])).toEqual([7, 7]);
    expect(starts).toBe(1);
    expect(flight.running).toBe(false);
    const c = flight.run(async () => 8);
    expect(c.joined).toBe(false);
    expect(await c.promise).toBe(8);
  });

  it("aborts the run only when every waiter has given up", async () => {
    const flight = new SingleFlight<string>();
    let runSignal: AbortSignal | undefined;
    const start = (signal: AbortSignal): Promise<string> => {
      runSignal = signal;
      return new Promise((resolve) => signal.addEventListener("abort", () => resolve("aborted")));
    };
    const c1 = new AbortController();
    const c2 = new AbortController();
    const a = flight.run(start, c1.signal);
    const b = flight.run(start, c2.signal);
    await Promise.resolve();
    c1.abort();
    await expect(a.promise).rejects.toThrow(/cancelled/);
    expect(runSignal?.aborted).toBe(false);
    c2.abort();
    await expect(b.promise).rejects.toThrow(/cancelled/);
    expect(runSignal?.aborted).toBe(true);
  });
});

describe("Mutex", () => {
  it("runs queued functions one at a time, in order, even after a failure", async () => {
    const mutex = new Mutex();
    const events: string[] = [];
    const gate = deferred<void>();
    const first = mutex.run(async () => {
      events.push("1 start");
      await gate.promise;
      events.push("1 end");
      throw new Error("boom");
    });
    const second = mutex.run(async () => {
      events.push("2");
      return 2;
    });
    await Promise.resolve();
    expect(events).toEqual(["1 start"]);
    gate.resolve();
    await expect(first).rejects.toThrow("boom");
    expect(await second).toBe(2);
    expect(events).toEqual(["1 start", "1 end", "2"]);
  });
});
