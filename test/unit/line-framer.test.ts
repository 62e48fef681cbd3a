// The stdio framer: lines within the cap pass whole, longer ones are dropped as they stream in, and the
// top-level JSON-RPC id of a dropped line is still found (never an id nested in params).
import { describe, expect, it } from "vitest";
import { LineFramer, TopLevelIdScanner } from "../../src/transports/line-framer.js";

function idOf(text: string): unknown {
  const s = new TopLevelIdScanner();
  s.feed(Buffer.from(text));
  return s.id();
}

describe("TopLevelIdScanner", () => {
  it.each([
    ['{"jsonrpc":"2.0","id":7,"method":"x"}', 7],
    ['{"params":{"id":99,"arguments":{"id":"inner"}},"id":"outer"}', "outer"],
    ['{"params":["id",{"id":1}],"method":"m","id":-3.5}', -3.5],
    ['{"a":"a string with \\"id\\":5 inside","id":"q\\"x"}', 'q"x'],
    ['{ "id" : 12 }', 12],
    ['{"params":{"id":5}}', null],
    ['[{"id":1}]', null],
    ['{"idx":4,"xid":5}', null],
    ['{"id":{"a":1}}', null],
  ])("%s -> %s", (text, id) => {
    expect(idOf(text)).toEqual(id);
  });
});

describe("LineFramer", () => {
  it("splits lines across chunks and strips CR", () => {
    const f = new LineFramer(100);
    expect(f.push(Buffer.from('{"a":'))).toEqual([]);
    expect(f.push(Buffer.from('1}\r\n{"b":2}\n{"c"'))).toEqual([
      { kind: "line", text: '{"a":1}' },
      { kind: "line", text: '{"b":2}' },
    ]);
    expect(f.buffered()).toBe(4);
  });

  it("drops an oversized line without buffering it and reports its size and id", () => {
    const f = new LineFramer(64);
    const head = `{"jsonrpc":"2.0","method":"tools/call","params":{"p":"${"x".repeat(50)}`;
    expect(f.push(Buffer.from(head))).toEqual([]);
    for (let i = 0; i < 100; i++) {
      f.push(Buffer.from("y".repeat(1000)));
      expect(f.buffered()).toBe(0);
    }
    const frames = f.push(Buffer.from('"},"id":42}\n{"ok":1}\n'));
    expect(frames).toEqual([
      { kind: "oversized", bytes: Buffer.byteLength(head) + 100_000 + 11, id: 42 },
      { kind: "line", text: '{"ok":1}' },
    ]);
  });

  it("a line of exactly the cap passes", () => {
    const f = new LineFramer(10);
    expect(f.push(Buffer.from("0123456789\n"))).toEqual([{ kind: "line", text: "0123456789" }]);
  });
});
