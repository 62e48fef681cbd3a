// Credentials with known expiries: client certificates (openssl), ServiceAccount tokens minted by a REAL
// apiserver through the TokenRequest API, and an exec credential plugin script that reports an expiry.
import { execFile } from "node:child_process";
import { chmod, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type ApiTarget, apiRequest } from "../harness/https.js";

const run = promisify(execFile);

/** Why: a self-signed client certificate (and key) valid for `days` days: NotAfter is about now + days. */
export async function makeClientCertificate(days: number): Promise<{ cert: string; key: string }> {
  const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-client-cert-"));
  await run("openssl", [
    ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
    ...["-keyout", join(dir, "client.key"), "-out", join(dir, "client.pem")],
    ...["-days", String(days), "-subj", "/CN=expiring-user/O=k8s-mcp:test"],
  ]);
  return {
    cert: await readFile(join(dir, "client.pem"), "utf8"),
    key: await readFile(join(dir, "client.key"), "utf8"),
  };
}

async function ok(res: Promise<{ status: number; body: string }>, what: string, codes = [200, 201, 409]) {
  const r = await res;
  if (!codes.includes(r.status)) throw new Error(`${what}: ${r.status} ${r.body}`);
  return r;
}

/**
 * Why: least privilege as people run it: a ServiceAccount bound (RoleBinding) to a read-only role in one
 * namespace, with a short-lived token the apiserver itself signs (TokenRequest). Returns the real JWT.
 */
export async function mintNamespacedViewerToken(
  admin: ApiTarget,
  namespace: string,
  account: string,
  seconds: number,
): Promise<string> {
  await ok(apiRequest(admin, "POST", "/api/v1/namespaces", { metadata: { name: namespace } }), "namespace");
  await ok(
    apiRequest(admin, "POST", `/api/v1/namespaces/${namespace}/serviceaccounts`, {
      metadata: { name: account },
    }),
    "serviceaccount",
  );
  // The harness's read-only ClusterRole ("view" is aggregated by a controller that does not run here), bound in one namespace.
  await ok(
    apiRequest(admin, "POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
      metadata: { name: `${account}-view` },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "k8s-mcp-viewer" },
      subjects: [{ kind: "ServiceAccount", name: account, namespace }],
    }),
    "rolebinding",
  );
  const res = await ok(
    apiRequest(admin, "POST", `/api/v1/namespaces/${namespace}/serviceaccounts/${account}/token`, {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      spec: { expirationSeconds: seconds },
    }),
    "token request",
    [200, 201],
  );
  const token = (JSON.parse(res.body) as { status?: { token?: string } }).status?.token;
  if (!token) throw new Error("TokenRequest returned no token");
  return token;
}

/** Why: an exec credential plugin (a real process) that returns `token` with an expirationTimestamp. */
export async function writeExecPlugin(token: string, expiresAt: Date): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-exec-plugin-"));
  const path = join(dir, "expiring-plugin.mjs");
  const credential = {
    apiVersion: "client.authentication.k8s.io/v1",
    kind: "ExecCredential",
    status: { token, expirationTimestamp: expiresAt.toISOString() },
  };
  await writeFile(
    path,
    `#!/usr/bin/env node\nprocess.stdout.write(${JSON.stringify(JSON.stringify(credential))});\n`,
  );
  await chmod(path, 0o700);
  return path;
}

/** Why: unit tests need JWT-shaped tokens with a chosen exp; the signature part is never checked by the reader. */
export function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "RS256", typ: "JWT" })}.${part(claims)}.c2lnbmF0dXJl`;
}
