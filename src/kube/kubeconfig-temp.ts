// A one-context kubeconfig for a child process (helm), written 0600 into a private temp dir and removed after.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import type { OutgoingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ToolError } from "../errors.js";
import type { ClusterClient } from "./client.js";

type Tls = Awaited<ReturnType<ClusterClient["connection"]>>["tls"];

function pem(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  const one = Array.isArray(v) ? v.map((x) => String(x)).join("\n") : String(v);
  return Buffer.from(one).toString("base64");
}

function header(h: OutgoingHttpHeaders, name: string): string[] {
  const key = Object.keys(h).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : h[key];
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}

// The credentials the client would send, as kubeconfig user fields; anything a kubeconfig cannot say is refused.
function userOf(h: OutgoingHttpHeaders, tls: Tls): Record<string, unknown> {
  const user: Record<string, unknown> = {};
  const [auth] = header(h, "authorization");
  if (auth?.startsWith("Bearer ")) user.token = auth.slice(7);
  else if (auth?.startsWith("Basic ")) {
    const [u, ...p] = Buffer.from(auth.slice(6), "base64").toString("utf8").split(":");
    user.username = u;
    user.password = p.join(":");
  } else if (auth) throw new ToolError("this cluster's authorization scheme cannot be handed to helm");
  const as = header(h, "impersonate-user");
  if (as[0]) user.as = as[0];
  const groups = header(h, "impersonate-group");
  if (groups.length) user["as-groups"] = groups;
  if (tls.cert) user["client-certificate-data"] = pem(tls.cert);
  if (tls.key) user["client-key-data"] = pem(tls.key);
  if (tls.pfx) throw new ToolError("this cluster's PKCS#12 client certificate cannot be handed to helm");
  return user;
}

/**
 * Why: helm must reach exactly the resolved cluster with exactly the call's identity: this writes the client's
 * own endpoint, CA and credentials as the only context of a fresh kubeconfig (mode 0600), runs `fn` with its
 * path and directory, and removes both whatever happens.
 */
export async function withTempKubeconfig<T>(
  client: ClusterClient,
  fn: (kubeconfig: string, dir: string) => Promise<T>,
): Promise<T> {
  const conn = await client.connection();
  if (conn.agent) throw new ToolError("clusters reached through a proxy-url cannot be handed to helm");
  const cluster: Record<string, unknown> = { server: conn.endpoint };
  if (conn.tls.ca) cluster["certificate-authority-data"] = pem(conn.tls.ca);
  if (conn.tls.rejectUnauthorized === false) cluster["insecure-skip-tls-verify"] = true;
  if (conn.tls.servername) cluster["tls-server-name"] = conn.tls.servername;
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "target", cluster }],
    users: [{ name: "target", user: userOf(conn.headers, conn.tls) }],
    contexts: [
      { name: "target", context: { cluster: "target", user: "target", namespace: client.defaultNamespace } },
    ],
    "current-context": "target",
  };
  const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-helm-"));
  try {
    const path = join(dir, "kubeconfig");
    await writeFile(path, JSON.stringify(doc), { mode: 0o600 });
    return await fn(path, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
