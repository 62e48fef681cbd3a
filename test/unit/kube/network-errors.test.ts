// undici's failures (client-node 2.x and fetch use undici) mapped to the same kinds as node's socket errors.
import { createServer, type Server } from "node:http";
import { errors } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeFailure, fromNetworkError } from "../../../src/kube/errors.js";

const SERVER = "https://10.0.0.1:6443";

// A real failure: fetch to a loopback port nothing listens on any more (fetch refuses port 1 itself).
async function fetchRefused(): Promise<unknown> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((r) => probe.close(() => r()));
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) });
  } catch (err) {
    return err;
  }
  throw new Error("fetch to a closed port succeeded");
}

describe("fromNetworkError with undici", () => {
  let slow: Server;
  let port = 0;
  beforeAll(async () => {
    // Accepts, never answers: the headers timeout below is undici's own.
    slow = createServer(() => {});
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    port = (slow.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => slow.close(() => r())));

  it("unwraps fetch's 'fetch failed' to the refused connection", async () => {
    const err = await fetchRefused();
    expect((err as Error).message).toBe("fetch failed");
    const k = fromNetworkError(err, SERVER);
    expect(k.kind).toBe("unreachable");
    expect(k.message).toBe(`cannot connect to ${SERVER}: ECONNREFUSED`);
    expect(describeFailure(err)).toMatch(
      /^fetch failed \(ECONNREFUSED: connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/,
    );
  });

  it("maps undici's headers timeout to timeout", async () => {
    const { Agent, fetch: undiciFetch } = await import("undici");
    const dispatcher = new Agent({ headersTimeout: 200 });
    const err = await undiciFetch(`http://127.0.0.1:${port}/`, { dispatcher }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await dispatcher.close();
    const k = fromNetworkError(err, SERVER);
    expect(k.kind).toBe("timeout");
    expect(k.message).toContain("UND_ERR_HEADERS_TIMEOUT");
  });

  it("maps undici's connect timeout and socket errors to unreachable, its abort to cancelled", () => {
    expect(fromNetworkError(new errors.ConnectTimeoutError(), SERVER)).toMatchObject({
      kind: "unreachable",
      message: `cannot connect to ${SERVER}: UND_ERR_CONNECT_TIMEOUT`,
    });
    expect(fromNetworkError(new errors.SocketError("other side closed"), SERVER).kind).toBe("unreachable");
    expect(fromNetworkError(new errors.RequestAbortedError(), SERVER).kind).toBe("cancelled");
  });

  it("keeps a plain error's own message", () => {
    expect(describeFailure(new Error("exec plugin exited 1\nstack"))).toBe("exec plugin exited 1");
  });
});
