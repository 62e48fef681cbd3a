// Builds kubeconfig directories mixing real test clusters with broken endpoints (refusing, hanging, bad token, bad CA).
import { copyFile, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import type { ControlPlaneInfo } from "../harness/controlplane.js";
import { freePort } from "../harness/ports.js";

/** Why: an endpoint that accepts TCP connections and never answers (a hung API server). */
export interface HangingServer {
  port: number;
  connections: () => number;
  open: () => number;
  close: () => Promise<void>;
}

/** Why: tests of timeouts and of "no cluster I/O before initialize" need a server that never replies. */
export async function startHangingServer(): Promise<HangingServer> {
  const sockets = new Set<Socket>();
  let count = 0;
  const srv: Server = createServer((s) => {
    count++;
    sockets.add(s);
    s.resume(); // drain what the client sends, so its FIN is seen
    s.on("error", () => {});
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const addr = srv.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    port,
    connections: () => count,
    open: () => sockets.size,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => srv.close(() => r()));
    },
  };
}

/** Why: writes a one-cluster kubeconfig the way Rancher/NSK do. */
export async function writeKubeconfig(
  path: string,
  name: string,
  server: string,
  token: string,
  caData?: string,
  extraContexts: { name: string; server: string }[] = [],
): Promise<void> {
  const cluster = (n: string, s: string) => ({
    name: n,
    cluster: {
      server: s,
      ...(caData ? { "certificate-authority-data": caData } : { "insecure-skip-tls-verify": true }),
    },
  });
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [cluster(name, server), ...extraContexts.map((c) => cluster(c.name, c.server))],
    users: [{ name: `${name}-user`, user: { token } }],
    contexts: [
      { name, context: { cluster: name, user: `${name}-user` } },
      ...extraContexts.map((c) => ({ name: c.name, context: { cluster: c.name, user: `${name}-user` } })),
    ],
    "current-context": name,
  };
  await writeFile(path, stringify(doc), { mode: 0o600 });
}

/** Why: a directory with the three real clusters plus one of each failure mode. */
export interface FleetDir {
  dir: string;
  hanging: HangingServer;
  close: () => Promise<void>;
}

/** Why: one call builds the mixed fleet used by status and fan-out tests. */
export async function makeFleetDir(cp: ControlPlaneInfo, opts: { broken?: boolean } = {}): Promise<FleetDir> {
  const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-fleet-"));
  for (const c of cp.clusters) await copyFile(c.kubeconfig, join(dir, `${c.name}.yaml`));
  const hanging = await startHangingServer();
  if (opts.broken !== false) {
    const real = cp.clusters[0]!;
    const caData = Buffer.from(real.ca).toString("base64");
    await writeKubeconfig(
      join(dir, "refused.yaml"),
      "refused",
      `https://127.0.0.1:${await freePort()}`,
      "t",
      caData,
    );
    await writeKubeconfig(
      join(dir, "hanging.yaml"),
      "hanging",
      `https://127.0.0.1:${hanging.port}`,
      "t",
      caData,
    );
    await writeKubeconfig(join(dir, "badtoken.yaml"), "badtoken", real.server, "not-a-valid-token", caData);
    const otherCa = Buffer.from(cp.clusters[1]!.ca).toString("base64");
    await writeKubeconfig(join(dir, "badca.yaml"), "badca", real.server, real.adminToken, otherCa);
    await writeFile(join(dir, "broken.yaml"), "apiVersion: v1\nkind: Config\ncontexts: [\n  - not closed\n", {
      mode: 0o600,
    });
  }
  return { dir, hanging, close: () => hanging.close() };
}

/** Why: reads a real cluster's kubeconfig to tweak it in a test. */
export async function readKubeconfigDoc(path: string): Promise<Record<string, unknown>> {
  return parse(await readFile(path, "utf8")) as Record<string, unknown>;
}
