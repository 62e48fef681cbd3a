// Directory snapshots, name safety, kubeconfig validity and the exec-plugin note; the token-origin guard.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/log.js";
import {
  execPluginNote,
  isSafeClusterName,
  isValidKubeconfig,
  readLocalFiles,
} from "../../../src/rancher/local.js";
import { RancherHttp } from "../../../src/rancher/rancher-http.js";
import { makeScrubber } from "../../../src/rancher/scrub.js";

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`;

describe("local files", () => {
  it("snapshots one entry per cluster, preferring .yaml, ignoring dotfiles and temp files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "local-"));
    await writeFile(join(dir, "a.yml"), "yml");
    await writeFile(join(dir, "a.yaml"), "yaml");
    await writeFile(join(dir, "b.kubeconfig"), "kc");
    await writeFile(join(dir, ".k8s-mcp-refresh.json"), "{}");
    await writeFile(join(dir, ".k8s-mcp-a.yaml.1.ff.tmp"), "partial");
    const files = await readLocalFiles(dir);
    expect([...files.keys()].sort()).toEqual(["a", "b"]);
    expect(files.get("a")?.content).toBe("yaml");
  });

  it("validates kubeconfigs and cluster names", () => {
    expect(isValidKubeconfig(KUBECONFIG, "x")).toBe(true);
    expect(isValidKubeconfig("clusters: [ {{{", "x")).toBe(false);
    expect(isValidKubeconfig("", "x")).toBe(false);
    for (const ok of ["c1-sv5", "local", "a.b_c"]) expect(isSafeClusterName(ok)).toBe(true);
    for (const bad of ["../etc", ".hidden", "a/b", "", "x.tmp", "with space"])
      expect(isSafeClusterName(bad)).toBe(false);
  });

  it("notes exec-plugin credentials (kubeconfig-generate-token=false)", () => {
    const exec = KUBECONFIG.replace(
      "{token: t}",
      "{exec: {apiVersion: client.authentication.k8s.io/v1, command: rancher, args: [token]}}",
    );
    expect(execPluginNote(exec)).toMatch(/exec plugin 'rancher'.*kubeconfig-generate-token=false/);
    expect(execPluginNote(KUBECONFIG)).toBeUndefined();
  });
});

describe("RancherHttp", () => {
  it("refuses to send the token to any origin other than rancher_url (e.g. a hostile pagination link)", async () => {
    const http = new RancherHttp({
      baseUrl: "https://rancher.example.invalid",
      token: "token-x:y",
      insecure: false,
      timeoutMs: 1000,
      logger: silentLogger(),
      scrub: makeScrubber("token-x:y"),
    });
    await expect(
      http.json("GET", new URL("https://evil.example.invalid/v3/clusters"), AbortSignal.timeout(1000)),
    ).rejects.toThrow(/refusing to send the Rancher token to https:\/\/evil.example.invalid/);
    expect(http.url("/v3/clusters").href).toBe("https://rancher.example.invalid/v3/clusters");
    http.close();
  });
});
