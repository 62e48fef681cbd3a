// STUB of Rancher's v3 API (Rancher cannot run here): HTTPS with a self-signed CA, paginated /v3/clusters,
// generateKubeconfig handing out kubeconfigs that point at the REAL test clusters, /v3/settings/cacerts, 401,
// and /v3/tokens/<name> reporting a kubeconfig token's expiresAt (as Rancher does).

import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { Socket } from "node:net";
import { makeStubCertificates, type StubCertificates } from "./stub-tls.js";

/** Why: one Rancher cluster as the stub serves it; `kubeconfig` is what generateKubeconfig returns. */
export interface StubCluster {
  id: string;
  name: string;
  kubeconfig: string;
  state?: string;
}

/** Why: tests script failures per cluster (status code, and whether the message echoes the caller's token). */
export interface GenerateFailure {
  status: number;
  echoToken?: boolean;
}

/** Why: what a test can observe and steer. */
export interface RancherStub {
  url: string;
  /** the CA that signed the stub's certificate (what /v3/settings/cacerts serves in "ok" mode) */
  ca: string;
  certs: StubCertificates;
  calls: {
    pages: number;
    generate: Map<string, number>;
    cacerts: number;
    unauthorized: number;
    /** requests that carried an Authorization header, on any route */
    withAuth: number;
    /** GET /v3/tokens/<name> lookups */
    tokens: number;
  };
  generateTotal(): number;
  setClusters(clusters: StubCluster[]): void;
  /** "ok": the signing CA; "other": a CA that did not sign the certificate; "none": empty value */
  setCacerts(mode: "ok" | "other" | "none"): void;
  failGenerate(name: string, failure: GenerateFailure | undefined): void;
  /** What GET /v3/tokens/<name> reports: the token's expiresAt (ISO 8601); unknown names get 404. */
  setTokenExpiry(tokenName: string, expiresAt: string | undefined): void;
  /** The next generateKubeconfig call sends half its body and then stalls forever; resolves when it does. */
  stallNextGenerate(): Promise<string>;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

/** Why: every Rancher integration test starts one of these on 127.0.0.1:0 with a fresh certificate. */
export async function startRancherStub(opts: {
  token: string;
  clusters: StubCluster[];
  pageSize?: number;
}): Promise<RancherStub> {
  const certs = await makeStubCertificates();
  let clusters = [...opts.clusters];
  let cacerts: "ok" | "other" | "none" = "ok";
  const failures = new Map<string, GenerateFailure>();
  const tokenExpiry = new Map<string, string>();
  let stall: ((name: string) => void) | undefined;
  const calls = {
    pages: 0,
    generate: new Map<string, number>(),
    cacerts: 0,
    unauthorized: 0,
    withAuth: 0,
    tokens: 0,
  };
  const pageSize = opts.pageSize ?? 2;
  const sockets = new Set<Socket>();
  let base = "";

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", base);
    if (req.headers.authorization !== undefined) calls.withAuth++;
    if (req.method === "GET" && url.pathname === "/v3/settings/cacerts") {
      calls.cacerts++;
      const value = cacerts === "ok" ? certs.ca : cacerts === "other" ? certs.otherCa : "";
      send(res, 200, { id: "cacerts", type: "setting", value });
      return;
    }
    const auth = req.headers.authorization ?? "";
    if (auth !== `Bearer ${opts.token}`) {
      calls.unauthorized++;
      send(res, 401, {
        type: "error",
        status: "401",
        code: "Unauthorized",
        message: "must authenticate",
      });
      return;
    }
    if (req.method === "GET" && url.pathname === "/v3/clusters") {
      calls.pages++;
      const start = Number(url.searchParams.get("marker") ?? "0");
      const page = clusters.slice(start, start + pageSize);
      const more = start + pageSize < clusters.length;
      const next = `${base}/v3/clusters?limit=${pageSize}&marker=${start + pageSize}`;
      send(res, 200, {
        type: "collection",
        resourceType: "cluster",
        data: page.map((c) => ({ id: c.id, type: "cluster", name: c.name, state: c.state ?? "active" })),
        pagination: { limit: pageSize, total: clusters.length, ...(more ? { next } : {}) },
      });
      return;
    }
    const t = /^\/v3\/tokens\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && t) {
      calls.tokens++;
      const name = decodeURIComponent(t[1] ?? "");
      const expiresAt = tokenExpiry.get(name);
      if (expiresAt === undefined) send(res, 404, { type: "error", status: "404", message: "not found" });
      else send(res, 200, { type: "token", name, expiresAt, expired: Date.parse(expiresAt) < Date.now() });
      return;
    }
    const m = /^\/v3\/clusters\/([^/]+)$/.exec(url.pathname);
    if (req.method === "POST" && m && url.searchParams.get("action") === "generateKubeconfig") {
      const cluster = clusters.find((c) => c.id === decodeURIComponent(m[1] ?? ""));
      if (!cluster) {
        send(res, 404, { type: "error", status: "404", message: "cluster not found" });
        return;
      }
      calls.generate.set(cluster.name, (calls.generate.get(cluster.name) ?? 0) + 1);
      const failure = failures.get(cluster.name);
      if (failure) {
        const message = failure.echoToken
          ? `token ${opts.token} may not generate a kubeconfig for ${cluster.id}`
          : "generate failed";
        send(res, failure.status, { type: "error", status: String(failure.status), message });
        return;
      }
      const text = JSON.stringify({ type: "generateKubeConfigOutput", config: cluster.kubeconfig });
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
      if (!stall) {
        res.end(text);
        return;
      }
      const notify = stall;
      stall = undefined;
      res.write(text.slice(0, Math.floor(text.length / 2)));
      notify(cluster.name);
      return; // never ends: the caller must time out, be cancelled or be killed
    }
    send(res, 404, { type: "error", status: "404", message: `no route ${req.method} ${url.pathname}` });
  };

  const server: Server = createServer({ cert: certs.cert, key: certs.key }, handle);
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  base = `https://127.0.0.1:${port}`;
  return {
    url: base,
    ca: certs.ca,
    certs,
    calls,
    generateTotal: () => [...calls.generate.values()].reduce((a, b) => a + b, 0),
    setClusters: (next) => {
      clusters = [...next];
    },
    setCacerts: (mode) => {
      cacerts = mode;
    },
    setTokenExpiry: (tokenName, expiresAt) => {
      if (expiresAt === undefined) tokenExpiry.delete(tokenName);
      else tokenExpiry.set(tokenName, expiresAt);
    },
    failGenerate: (name, failure) => {
      if (failure) failures.set(name, failure);
      else failures.delete(name);
    },
    stallNextGenerate: () =>
      new Promise<string>((resolve) => {
        stall = resolve;
      }),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
