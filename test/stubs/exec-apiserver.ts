// STUB of the kube-apiserver pod exec endpoint (WebSocket, v5/v4.channel.k8s.io). The real apiserver would relay
// exec to a kubelet over SPDY/WebSocket, which this machine cannot run; this stub speaks the client-facing protocol.

import { mkdtemp } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WebSocketServer } from "ws";
import { createKubeletCert } from "../harness/kubelet.js";

/** Why: what the stub saw, so tests can assert the tool sent the right request. */
export interface ExecCall {
  path: string;
  command: string[];
  container: string | null;
  authorization: string | undefined;
  protocol: string;
}

/** Why: the running stub: its URL, its CA (self-signed cert) and the calls it received. */
export interface ExecStub {
  url: string;
  ca: string;
  calls: ExecCall[];
  close: () => Promise<void>;
}

/** Why: `command` decides the behaviour: ["fail"] exits 3, ["hang"] never finishes, ["drop"] cuts the stream, else echo. */
export async function startExecStub(token: string): Promise<ExecStub> {
  const cert = await createKubeletCert(await mkdtemp(join(tmpdir(), "k8s-mcp-exec-stub-")));
  // Pod reads (for the default container): two containers, the annotation picks "sidecar" for pods named *-ann.
  const server: Server = createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/?]+)$/.exec(req.url ?? "");
    if (!m || req.headers.authorization !== `Bearer ${token}`) {
      res
        .writeHead(404, { "Content-Type": "application/json" })
        .end('{"kind":"Status","reason":"NotFound","code":404}');
      return;
    }
    const annotations = m[2]?.endsWith("-ann")
      ? { "kubectl.kubernetes.io/default-container": "sidecar" }
      : {};
    res.writeHead(200, { "Content-Type": "application/json" }).end(
      JSON.stringify({
        kind: "Pod",
        metadata: { name: m[2], namespace: m[1], annotations },
        spec: { containers: [{ name: "main" }, { name: "sidecar" }] },
      }),
    );
  });
  const wss = new WebSocketServer({
    server,
    handleProtocols: (protocols) => (protocols.has("v5.channel.k8s.io") ? "v5.channel.k8s.io" : false),
    verifyClient: (info, done) =>
      done(info.req.headers.authorization === `Bearer ${token}`, 401, "Unauthorized"),
  });
  const calls: ExecCall[] = [];
  wss.on("connection", (ws, req) => {
    const url = new URL(req.url ?? "/", "https://stub");
    const command = url.searchParams.getAll("command");
    calls.push({
      path: url.pathname,
      command,
      container: url.searchParams.get("container"),
      authorization: req.headers.authorization,
      protocol: ws.protocol,
    });
    const send = (channel: number, text: string) =>
      ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(text)]));
    if (command[0] === "hang") return;
    if (command[0] === "drop") {
      send(1, "partial output\n");
      ws.terminate(); // the connection dies before any status (apiserver restart, proxy idle timeout)
      return;
    }
    if (command[0] === "fail") {
      send(2, "something went wrong\n");
      send(
        3,
        JSON.stringify({
          status: "Failure",
          reason: "NonZeroExitCode",
          details: { causes: [{ reason: "ExitCode", message: "3" }] },
        }),
      );
    } else {
      send(1, `ran: ${command.join(" ")}\n`);
      send(3, JSON.stringify({ status: "Success" }));
    }
    ws.close();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `https://127.0.0.1:${port}`,
    ca: cert.cert,
    calls,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
