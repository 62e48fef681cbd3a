// A round-robin HTTP proxy in front of replicas: request i goes to upstream i mod n on a new upstream connection
// (no stickiness of any kind), and each request is recorded with the replica that answered it.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Why: one proxied request: which replica answered, the JSON-RPC method(s) it carried, and the status. */
export interface Routed {
  replica: number;
  httpMethod: string;
  /** JSON-RPC methods in the body ("response" for a client's answer to a server request); empty for none. */
  rpc: string[];
  /** The tools named by tools/call requests in the body. */
  tools: string[];
  status: number;
  /** The Authorization header as sent (tests map it back to the user a token was issued to). */
  authorization?: string;
}

/** Why: what tests drive and inspect. */
export interface RoundRobinProxy {
  url: string;
  /** Requests served per replica. */
  served: number[];
  /** Every request in arrival order. */
  log: Routed[];
  close: () => Promise<void>;
}

type Message = { method?: unknown; params?: { name?: unknown } } | null;

function messages(body: Buffer): Message[] {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as Message | Message[];
    return Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    return [];
  }
}

/** Why: replicas "share nothing" is only proven when consecutive requests of one client reach different ones. */
export async function roundRobin(upstreams: URL[]): Promise<RoundRobinProxy> {
  const served = upstreams.map(() => 0);
  const log: Routed[] = [];
  let next = 0;
  const server: Server = createServer((req, res) => {
    const replica = next++ % upstreams.length;
    const up = upstreams[replica] as URL;
    served[replica] = (served[replica] ?? 0) + 1;
    const entry: Routed = {
      replica,
      httpMethod: req.method ?? "",
      rpc: [],
      tools: [],
      status: 0,
      authorization: req.headers.authorization,
    };
    log.push(entry);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      for (const m of messages(body)) {
        entry.rpc.push(typeof m?.method === "string" ? m.method : "response");
        if (m?.method === "tools/call" && typeof m.params?.name === "string") entry.tools.push(m.params.name);
      }
      const headers = { ...req.headers, host: up.host, "content-length": String(body.length) };
      delete headers["transfer-encoding"];
      const fwd = request(
        { host: up.hostname, port: up.port, method: req.method, path: req.url, headers, agent: false },
        (r) => {
          entry.status = r.statusCode ?? 502;
          res.writeHead(entry.status, r.headers);
          r.pipe(res);
        },
      );
      fwd.on("error", () => res.destroy());
      fwd.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    served,
    log,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
