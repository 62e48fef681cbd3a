// The server half of isolation without clusters: a visible file aimed at a hidden file's server is refused however
// the hidden file spells that server (case, escapes, percent-encoding, IDNA), and only then.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ClusterManager } from "../../../src/clusters/manager.js";
import { silentLogger } from "../../../src/log.js";
import { makeTempDir, put } from "./helpers.js";

function kubeconfig(name: string, server: string): string {
  return `apiVersion: v1\nkind: Config\nclusters:\n- name: ${name}\n  cluster: {server: ${server}}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: ${name}\n  context: {cluster: ${name}, user: u}\ncurrent-context: ${name}\n`;
}

describe("server fence", () => {
  let dir = "";
  let cleanup: () => Promise<void> = async () => {};
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterEach(async () => cleanup());

  const manager = async (): Promise<ClusterManager> => {
    const m = new ClusterManager({
      kubeconfigDir: dir,
      classicPaths: [],
      aliases: {},
      patterns: [],
      excludes: ["hidden-*"],
      autoDiscovery: false,
      requestTimeoutMs: 1000,
      logger: silentLogger(),
    });
    await m.load();
    return m;
  };

  const spellings: Record<string, [string, string]> = {
    "upper case": ["https://K.EXAMPLE:6443/", "https://k.example:6443"],
    "YAML escape": ['"https://k.ex\\x61mple:6443"', "https://k.example:6443"],
    "percent-encoded": ["https://k%2Eexample:6443", "https://k.example:6443"],
    "trailing dot": ["https://k.example.:6443", "https://k.example:6443"],
    IDNA: ["https://exämple.test", "https://xn--exmple-cua.test"],
    "IPv4 form": ["https://127.1:6443", "https://127.0.0.1:6443"],
    "default port": ["https://k.example:443", "https://k.example"],
  };
  for (const [what, [hidden, visible]] of Object.entries(spellings)) {
    it(`refuses a visible file on a hidden server spelled differently (${what})`, async () => {
      await put(dir, "hidden-a.yaml", kubeconfig("a", hidden));
      await put(dir, "c1-b.yaml", kubeconfig("b", visible));
      await put(dir, "c1-c.yaml", kubeconfig("c", "https://other.example:6443"));
      const m = await manager();
      try {
        await expect(m.resolve("c1-b")).rejects.toThrow(/hidden by cluster_pattern\/exclude_clusters/);
        await expect(m.resolve("c1-c")).resolves.toBe("c1-c");
        expect(await m.reachable("c1-b")).toBe(false);
      } finally {
        m.close();
      }
    });
  }

  it("keeps Rancher-style servers that differ only in path apart", async () => {
    await put(dir, "hidden-a.yaml", kubeconfig("a", "https://rancher.example/k8s/clusters/c-1"));
    await put(dir, "c1-b.yaml", kubeconfig("b", "https://rancher.example/k8s/clusters/c-2"));
    const m = await manager();
    try {
      await expect(m.resolve("c1-b")).resolves.toBe("c1-b");
    } finally {
      m.close();
    }
  });
});
