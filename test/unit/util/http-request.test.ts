// The one HTTP exchange under the Kubernetes and Rancher clients, against a local HTTP server that answers
// whole, too much, half, late or not at all: each failure says what happened and how far the request got,
// and Rancher's wording of each.
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { RancherError } from "../../../src/rancher/errors.js";
import { rawRequest } from "../../../src/rancher/raw-http.js";
import { type HttpCall, HttpFailure, httpExchange } from "../../../src/util/http-request.js";

let server: Server;
let base: string;
const held: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? "/";
    if (path === "/ok")
      res.end(JSON.stringify({ method: req.method, length: req.headers["content-length"] }));
    else if (path === "/big") res.end("x".repeat(2_000));
    else if (path === "/bytes") res.end(Buffer.from([0x6b, 0x38, 0x73, 0x00, 0xff]));
    else if (path === "/half") {
      res.writeHead(200, { "content-length": "100" });
      res.write("y".repeat(40), () => res.socket?.destroy());
    } else if (path === "/stall") {
      res.writeHead(200, { "content-length": "100" });
      res.write("z".repeat(10));
      held.push(res);
    } else held.push(res); // /hang: no answer at all
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const r of held) r.socket?.destroy();
  await new Promise((r) => server.close(r));
});

const call = (path: string, over: Partial<HttpCall> = {}): Promise<unknown> =>
  httpExchange({
    url: new URL(path, base),
    method: "GET",
    headers: {},
    timeoutMs: 2_000,
    maxBytes: 1_000,
    ...over,
  });

async function failure(p: Promise<unknown>): Promise<HttpFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof HttpFailure)) throw new Error(`expected an HttpFailure, got ${String(err)}`);
  return err;
}

describe("httpExchange", () => {
  it("answers with status, headers and the body; a bodiless POST says Content-Length 0", async () => {
    const res = (await call("/ok", { method: "POST" })) as { status: number; body: string };
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ method: "POST", length: "0" });
  });

  it("keeps a binary 2xx body as bytes", async () => {
    const res = (await call("/bytes", { binary: true })) as { body: string; bytes: Buffer };
    expect(res.body).toBe("");
    expect([...res.bytes]).toEqual([0x6b, 0x38, 0x73, 0x00, 0xff]);
  });

  it("too-large: the cap is enforced while reading", async () => {
    expect(await failure(call("/big"))).toMatchObject({ kind: "too-large", stage: "answered", status: 200 });
  });

  it("truncated: the connection ended before Content-Length", async () => {
    const f = await failure(call("/half"));
    expect(f).toMatchObject({ kind: "truncated", stage: "answered", status: 200, expected: 100 });
    expect(f.received).toBe(40);
  });

  it("timeout: no answer (sent) and a body that stopped (answered)", async () => {
    expect(await failure(call("/hang", { timeoutMs: 200 }))).toMatchObject({
      kind: "timeout",
      stage: "sent",
    });
    expect(await failure(call("/stall", { timeoutMs: 200 }))).toMatchObject({
      kind: "timeout",
      stage: "answered",
      received: 10,
    });
  });

  it("cancelled: by the signal, with its reason, already aborted or later", async () => {
    const early = await failure(call("/hang", { signal: AbortSignal.abort("why") }));
    expect(early).toMatchObject({ kind: "cancelled", stage: "connecting", cause: "why" });
    const ac = new AbortController();
    const before = held.length;
    const pending = call("/hang", { signal: ac.signal });
    await vi.waitFor(() => expect(held.length).toBe(before + 1)); // the server has the request
    ac.abort("later");
    expect(await failure(pending)).toMatchObject({ kind: "cancelled", stage: "sent", cause: "later" });
  });

  it("network: a refused connection carries node's error", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const f = await failure(call(`http://127.0.0.1:${port}/`));
    expect(f).toMatchObject({ kind: "network", stage: "connecting" });
    expect((f.cause as { code?: string }).code).toBe("ECONNREFUSED");
  });
});

describe("rawRequest (Rancher) words each failure", () => {
  const raw = (path: string, over: { timeoutMs?: number; maxBytes?: number; signal?: AbortSignal } = {}) =>
    rawRequest({
      method: "GET",
      url: new URL(path, base),
      signal: over.signal ?? new AbortController().signal,
      timeoutMs: over.timeoutMs ?? 2_000,
      maxBytes: over.maxBytes,
    });

  it("timeout, size cap, and a cancellation that carries a RancherError as its reason", async () => {
    await expect(raw("/hang", { timeoutMs: 500 })).rejects.toMatchObject({
      kind: "timeout",
      message: `Rancher at ${base} did not answer within 1s`,
    });
    await expect(raw("/big", { maxBytes: 100 })).rejects.toMatchObject({
      kind: "invalid",
      message: "Rancher's answer exceeded 100 bytes",
    });
    const why = new RancherError("timeout", "refresh exceeded refresh_timeout (2s)");
    await expect(raw("/hang", { signal: AbortSignal.abort(why) })).rejects.toBe(why);
    await expect(raw("/hang", { signal: AbortSignal.abort() })).rejects.toMatchObject({ kind: "cancelled" });
  });

  it("a body that ends early is a failure, not a short document", async () => {
    await expect(raw("/half")).rejects.toMatchObject({ kind: "unreachable" });
    expect(JSON.parse((await raw("/ok")).body)).toEqual({ method: "GET" });
  });
});
