// A RECORDING PROXY (not a stub): plain HTTP in front of one real test apiserver, forwarding every request
// unchanged over HTTPS and recording method, raw path and body, so tests can see exactly what the server sent.
import { createServer, type IncomingMessage, type Server } from "node:http";
import { request } from "node:https";
import type { AddressInfo } from "node:net";
import type { TestCluster } from "../../harness/controlplane.js";

/** Why: one request as it arrived from the server under test (raw, before any URL normalisation). */
export interface Recorded {
  method: string;
  url: string;
  body: string;
}

/** Why: what a test needs: the proxy's URL, what went through it, and a close. */
export interface RecordingProxy {
  url: string;
  requests: Recorded[];
  close: () => Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Why: observes the wire without changing it; the real apiserver still decides every answer. */
export async function startRecordingProxy(target: TestCluster): Promise<RecordingProxy> {
  const requests: Recorded[] = [];
  const upstream = new URL(target.server);
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    requests.push({ method: req.method ?? "", url: req.url ?? "", body: body.toString("utf8") });
    const headers = { ...req.headers, host: upstream.host };
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers,
        ca: target.ca,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on("error", (e) => {
      res.writeHead(502);
      res.end(String(e));
    });
    out.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
