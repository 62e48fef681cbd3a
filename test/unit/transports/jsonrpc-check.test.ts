// The check every incoming JSON-RPC value passes before the SDK sees it: the spec's error codes, the request's
// id when it can be read (null when not), no answer to a notification, and never the rejected value echoed.
import { describe, expect, it } from "vitest";
import { checkJsonRpc, RPC_CODES, rejectionMessage } from "../../../src/transports/jsonrpc-check.js";

function rejected(value: unknown) {
  const r = checkJsonRpc(value);
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(value)}`);
  return r.rejection;
}

describe("checkJsonRpc accepts", () => {
  it.each([
    { jsonrpc: "2.0", id: 1, method: "ping" },
    { jsonrpc: "2.0", id: "a", method: "tools/call", params: { name: "pods_list", arguments: {} } },
    { jsonrpc: "2.0", method: "notifications/initialized" },
    { jsonrpc: "2.0", id: 3, result: {} },
    { jsonrpc: "2.0", id: 4, error: { code: -1, message: "no" } },
    { jsonrpc: "2.0", id: 5, method: "some/unknown-method", params: { x: 1 } },
  ])("%j", (value) => {
    const r = checkJsonRpc(value);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.message).toMatchObject(value);
  });
});

describe("checkJsonRpc rejects", () => {
  it.each([
    [
      [{ jsonrpc: "2.0", id: 1, method: "ping" }],
      null,
      RPC_CODES.invalidRequest,
      /batches are not supported/,
    ],
    ["ping", null, RPC_CODES.invalidRequest, /expected an object/],
    [{ jsonrpc: "2.0", id: { x: 1 }, method: "ping" }, null, RPC_CODES.invalidRequest, /id must be/],
    [{ jsonrpc: "2.0", id: Number.NaN, method: "ping" }, null, RPC_CODES.invalidRequest, /id must be/],
    [{ jsonrpc: "1.0", id: 7, method: "ping" }, 7, RPC_CODES.invalidRequest, /"jsonrpc" must be "2.0"/],
    [{ jsonrpc: "2.0", id: 8 }, 8, RPC_CODES.invalidRequest, /method must be a string/],
    [
      { jsonrpc: "2.0", id: 9, method: "ping", params: [1] },
      9,
      RPC_CODES.invalidParams,
      /params must be an object/,
    ],
    [
      { jsonrpc: "2.0", id: "c", method: "tools/call", params: { name: 42 } },
      "c",
      RPC_CODES.invalidParams,
      /^Invalid params: params\.name: /,
    ],
  ])("%j: id %j, code %i", (value, id, code, message) => {
    const r = rejected(value);
    expect(r).toMatchObject({ id, code, answer: true });
    expect(r.message).toMatch(message);
  });

  it("a notification with bad params is refused but not answered", () => {
    expect(rejected({ jsonrpc: "2.0", method: "notifications/x", params: "p" })).toMatchObject({
      id: null,
      code: RPC_CODES.invalidParams,
      answer: false,
    });
  });

  it("the message is short and never echoes the rejected value", () => {
    const secret = "s3cr3t-token-value";
    const messages = [
      { name: { secret }, arguments: {} },
      { name: "pods_list", arguments: secret.repeat(50) },
    ].map((params) => {
      const r = rejected({ jsonrpc: "2.0", id: 1, method: "tools/call", params });
      expect(r.code).toBe(RPC_CODES.invalidParams);
      return r.message;
    });
    expect(messages[1]).toMatch(/^Invalid params: params\.arguments: /);
    for (const m of messages) {
      expect(m).not.toContain(secret);
      expect(m.length).toBeLessThanOrEqual(200);
    }
  });

  it("rejectionMessage is the wire form both transports send", () => {
    expect(rejectionMessage(rejected({ jsonrpc: "2.0", id: 5, method: "ping", params: 1 }))).toEqual({
      jsonrpc: "2.0",
      id: 5,
      error: { code: RPC_CODES.invalidParams, message: "Invalid params: params must be an object" },
    });
  });
});
