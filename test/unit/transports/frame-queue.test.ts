// stdin read before the SDK loads: nothing lost, nothing reordered, and the SDK woken when a frame needs it.
import { PassThrough } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { FrameQueue } from "../../../src/transports/frame-queue.js";
import type { Frame } from "../../../src/transports/line-framer.js";

const text = (f: Frame): string => (f.kind === "line" ? f.text : `oversized ${f.bytes}`);

describe("FrameQueue", () => {
  it("queues frames until attached, shows each to `early`, then hands them over in order", async () => {
    const input = new PassThrough();
    const seen: string[] = [];
    const q = new FrameQueue(input, 64, (f) => {
      seen.push(text(f));
      return true;
    });
    input.write('{"a":1}\n{"b"');
    input.write(':2}\n{"c":3}\n');
    await vi.waitFor(() => expect(seen).toHaveLength(3));
    let woken = false;
    void q.needed.then(() => {
      woken = true;
    });
    await Promise.resolve();
    expect(woken).toBe(false); // `early` kept the SDK waiting
    const got: string[] = [];
    q.attach(
      (f) => got.push(text(f)),
      () => {},
    );
    expect(got).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
    input.write('{"d":4}\n');
    await vi.waitFor(() => expect(got).toHaveLength(4));
    expect(seen).toHaveLength(3); // after attach, frames go straight to the consumer
  });

  it("wakes the SDK when `early` says it is needed, or at once without `early`", async () => {
    const input = new PassThrough();
    const q = new FrameQueue(input, 64, (f) => text(f) !== "{}");
    input.write('{"x":1}\n{}\n');
    await expect(q.needed).resolves.toBeUndefined();
    await expect(new FrameQueue(new PassThrough(), 64).needed).resolves.toBeUndefined();
  });

  it("hands on a frame whose early handling failed, and wakes the SDK for it", async () => {
    const input = new PassThrough();
    const q = new FrameQueue(input, 64, () => {
      throw new Error("cache unreadable");
    });
    input.write('{"x":1}\n');
    await q.needed;
    const got: string[] = [];
    q.attach(
      (f) => got.push(text(f)),
      () => {},
    );
    expect(got).toEqual(['{"x":1}']);
  });

  it("reports the end only after every frame read before it was handed over", async () => {
    const input = new PassThrough();
    const q = new FrameQueue(input, 64, () => true);
    input.end('{"last":1}\n');
    await q.needed; // the end wakes the SDK
    const events: string[] = [];
    q.onceEnded(() => events.push("end"));
    expect(events).toEqual([]);
    q.attach(
      (f) => events.push(text(f)),
      () => {},
    );
    expect(events).toEqual(['{"last":1}', "end"]);
  });

  it("keeps a line over the cap out of memory and hands on its size", async () => {
    const input = new PassThrough();
    const seen: Frame[] = [];
    const q = new FrameQueue(input, 8, (f) => seen.push(f) > 0);
    const big = `{"id":1,"pad":"${"x".repeat(100)}"}`;
    input.write(`${big}\n`);
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    const got: string[] = [];
    q.attach(
      (f) => got.push(text(f)),
      () => {},
    );
    expect(got).toEqual([`oversized ${big.length}`]);
  });
});
