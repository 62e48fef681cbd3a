// Exec plugins that return a client certificate instead of a token. The harness's apiservers have no client CA,
// so the server side here is a STUB apiserver: a node:https server that requires and verifies client certs.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readKubeconfigDoc } from "../../../src/clusters/discovery/kubeconfig.js";
import { createClusterClient } from "../../../src/kube/client.js";
import { loadClientSettings } from "../../../src/kube/kubeconfig-loader.js";
import { execKubeconfig, pluginDir, writePlugin } from "./exec-plugins.js";

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: "ignore" });
}

describe("exec plugin returning a client certificate (STUB apiserver with a client CA)", () => {
  let dir: string;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    dir = await pluginDir();
    openssl(
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "1",
        "-subj",
        "/CN=test-ca",
      ],
      dir,
    );
    await writeFile(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
    for (const [name, cn, ext] of [
      ["server", "127.0.0.1", ["-extfile", "san.ext"]],
      ["client", "exec-user", []],
    ] as const) {
      openssl(
        [
          "req",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-keyout",
          `${name}.key`,
          "-out",
          `${name}.csr`,
          "-subj",
          `/CN=${cn}`,
        ],
        dir,
      );
      openssl(
        [
          "x509",
          "-req",
          "-in",
          `${name}.csr`,
          "-CA",
          "ca.crt",
          "-CAkey",
          "ca.key",
          "-CAcreateserial",
          "-out",
          `${name}.crt`,
          "-days",
          "1",
          ...ext,
        ],
        dir,
      );
    }
    const read = (f: string) => readFileSync(join(dir, f), "utf8");
    server = createServer(
      {
        key: read("server.key"),
        cert: read("server.crt"),
        ca: read("ca.crt"),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            gitVersion: "v0-stub",
            user: peer.subject?.CN ?? null,
            auth: req.headers.authorization ?? null,
          }),
        );
      },
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const addr = server.address();
    url = `https://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server?.close(() => r()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("the certificate and key from the plugin authenticate the TLS connection", async () => {
    const plugin = await writePlugin(
      dir,
      "cert-plugin",
      `exec "${process.execPath}" -e '
const fs = require("fs");
const d = process.argv[1];
process.stdout.write(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential",
  status: { clientCertificateData: fs.readFileSync(d + "/client.crt", "utf8"), clientKeyData: fs.readFileSync(d + "/client.key", "utf8") } }));
' "${dir}"`,
    );
    const kc = join(dir, "cert.yaml");
    const ca = readFileSync(join(dir, "ca.crt"), "utf8");
    await execKubeconfig(
      kc,
      { name: "stub", server: url, ca },
      {
        apiVersion: "client.authentication.k8s.io/v1",
        command: plugin,
        interactiveMode: "Never",
      },
    );
    const settings = await loadClientSettings(
      { name: "stub", file: kc, doc: readKubeconfigDoc(readFileSync(kc, "utf8"), kc) },
      5000,
    );
    const client = createClusterClient(settings);
    try {
      const v = await client.json<{ user: string | null; auth: string | null }>({ path: "/version" });
      expect(v.user).toBe("exec-user");
      expect(v.auth).toBeNull(); // no bearer header when the credential is a certificate
    } finally {
      client.close();
    }
  });
});
