// A classic KUBECONFIG of several files, merged the way kubectl merges them (first definition wins), against a
// real apiserver, each file read once by the one kubeconfig reader (client-node's parser).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { resultText, startTestServer, type TestServer } from "../helpers/mcp.js";

const cp = inject("controlplane");
const [sv5] = cp.clusters;

describe("classic kubeconfig of several files", () => {
  let dir: string;
  let ts: TestServer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "k8s-mcp-merge-"));
    const ca = Buffer.from(sv5!.ca).toString("base64");
    // contexts.yaml: plain YAML; the context's cluster and user live in the other files.
    await writeFile(
      join(dir, "contexts.yaml"),
      "apiVersion: v1\nkind: Config\ncurrent-context: merged\ncontexts:\n- name: merged\n  context:\n    cluster: sv5\n    user: admin\n    namespace: kube-system\n",
    );
    // users.yaml: plain YAML with the right token; a later file's "admin" must not replace it.
    await writeFile(
      join(dir, "users.yaml"),
      `apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    token: ${sv5!.adminToken}\n`,
    );
    // clusters.yaml: quoted scalars and a comment; its
    // "admin" user comes after users.yaml's and loses.
    await writeFile(
      join(dir, "clusters.yaml"),
      `# written by hand\napiVersion: "v1"\nkind: Config\nclusters:\n- name: "sv5"\n  cluster:\n    server: "${sv5!.server}"\n    certificate-authority-data: "${ca}"\nusers:\n- name: admin\n  user:\n    token: "wrong-token-must-lose"\n`,
    );
    const kubeconfig = ["contexts.yaml", "users.yaml", "clusters.yaml"]
      .map((f) => join(dir, f))
      .join(delimiter);
    ts = await startTestServer({ kubeconfig });
  });
  afterAll(async () => {
    await ts?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("serves the context whose cluster and user come from other files, first definition winning", async () => {
    const r = await ts.call("namespaces_list", { cluster: "merged" });
    expect(r.isError, resultText(r)).toBeFalsy();
    expect(resultText(r)).toContain("kube-system");
  });

  it("shows the merged kubeconfig without its credentials", async () => {
    const r = await ts.call("configuration_view", { cluster: "merged" });
    expect(r.isError, resultText(r)).toBeFalsy();
    const text = resultText(r);
    expect(text).toContain(sv5!.server);
    expect(text).not.toContain(sv5!.adminToken);
    expect(text).not.toContain("wrong-token-must-lose");
  });
});
