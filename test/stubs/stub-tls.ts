// STUB support: a throwaway CA and server certificate for the Rancher API stub, made with the openssl CLI.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Why: the stub serves a certificate signed by `ca`; `otherCa` is a CA that did not sign it (TLS failures). */
export interface StubCertificates {
  dir: string;
  ca: string;
  otherCa: string;
  cert: string;
  key: string;
}

async function makeCa(dir: string, name: string): Promise<void> {
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    join(dir, `${name}.key`),
    "-out",
    join(dir, `${name}.pem`),
    "-days",
    "2",
    "-subj",
    `/CN=${name}`,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
}

/** Why: a self-signed Rancher, like most on-prem installs, generated fresh for every test run. */
export async function makeStubCertificates(): Promise<StubCertificates> {
  const dir = await mkdtemp(join(tmpdir(), "rancher-stub-tls-"));
  await makeCa(dir, "stub-rancher-ca");
  await makeCa(dir, "stub-other-ca");
  await writeFile(
    join(dir, "server.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
  );
  const key = join(dir, "server.key");
  const csr = join(dir, "server.csr");
  await run("openssl", [
    "req",
    "-new",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    key,
    "-out",
    csr,
    "-subj",
    "/CN=127.0.0.1",
  ]);
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    join(dir, "stub-rancher-ca.pem"),
    "-CAkey",
    join(dir, "stub-rancher-ca.key"),
    "-CAcreateserial",
    "-out",
    join(dir, "server.pem"),
    "-days",
    "2",
    "-extfile",
    join(dir, "server.ext"),
  ]);
  const read = (name: string): Promise<string> => readFile(join(dir, name), "utf8");
  return {
    dir,
    ca: await read("stub-rancher-ca.pem"),
    otherCa: await read("stub-other-ca.pem"),
    cert: await read("server.pem"),
    key: await read("server.key"),
  };
}
