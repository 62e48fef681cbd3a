import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  KubeconfigError,
  loadClassicKubeconfig,
  parseKubeconfig,
} from "../../../src/clusters/discovery/index.js";
import { FAKE_TOKEN, kubeconfigYaml, makeTempDir, put } from "./helpers.js";

const read = (p: string): Promise<string> => readFile(p, "utf8");

function errorOf(fn: () => unknown): KubeconfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof KubeconfigError) return err;
    throw err;
  }
  throw new Error("expected a KubeconfigError");
}

describe("parseKubeconfig", () => {
  it("reads contexts, clusters, users and current-context", () => {
    const text = kubeconfigYaml({
      current: "c1-sv5",
      contexts: [{ name: "c1-sv5", namespace: "apps" }, { name: "c1-sv5-fqdn" }],
    });
    const parsed = parseKubeconfig(text, "c1-sv5.yaml");
    expect(parsed.currentContext).toBe("c1-sv5");
    expect(parsed.contexts).toEqual([
      { name: "c1-sv5", cluster: "c1-sv5", user: "c1-sv5-user", namespace: "apps" },
      { name: "c1-sv5-fqdn", cluster: "c1-sv5-fqdn", user: "c1-sv5-fqdn-user" },
    ]);
    expect(parsed.clusters.get("c1-sv5")).toEqual({
      name: "c1-sv5",
      server: "https://c1-sv5.example.test:6443",
    });
    expect([...parsed.users]).toEqual(["c1-sv5-user", "c1-sv5-fqdn-user"]);
    expect(JSON.stringify({ ...parsed, users: [...parsed.users] })).not.toContain(FAKE_TOKEN);
  });

  it("keeps the insecure flag and strips credentials from server URLs", () => {
    const text = [
      "clusters:",
      "- name: k",
      "  cluster:",
      "    server: https://admin:hunter2@k.example.test",
      "    insecure-skip-tls-verify: true",
      "contexts:",
      "- name: k",
      "  context: {cluster: k, user: u}",
    ].join("\n");
    const ref = parseKubeconfig(text, "k.yaml").clusters.get("k");
    expect(ref?.insecure).toBe(true);
    expect(ref?.server).toBe("https://<redacted>@k.example.test");
  });

  it("rejects a file without contexts, naming the source", () => {
    const text = `users:\n- name: u\n  user:\n    token: ${FAKE_TOKEN}\n`;
    const err = errorOf(() => parseKubeconfig(text, "c1-sv5.yaml"));
    expect(err.message).toBe("c1-sv5.yaml: not a kubeconfig (no contexts)");
    expect(err.source).toBe("c1-sv5.yaml");
  });

  it("reports invalid YAML by line without quoting the content", () => {
    const text = `contexts: []\nusers:\n- name: u\n  user:\n    token: ${FAKE_TOKEN}\n   bad: [\n`;
    const err = errorOf(() => parseKubeconfig(text, "broken.yaml"));
    expect(err.message).toMatch(/^broken\.yaml: invalid YAML at line 6, column \d+/);
    expect(err.message).not.toContain(FAKE_TOKEN);
    expect(err.message).not.toContain("SECRET");
  });

  it("never echoes a token that sits on the offending line", () => {
    const text = `users:\n- name: u\n  user: {token: "${FAKE_TOKEN}\n`;
    const err = errorOf(() => parseKubeconfig(text, "x.yaml"));
    expect(err.message).toContain("x.yaml: invalid YAML at line");
    expect(err.message).not.toContain("SECRET");
  });

  it("rejects non-mapping and empty documents", () => {
    expect(errorOf(() => parseKubeconfig("- a\n- b\n", "l.yaml")).message).toBe(
      "l.yaml: not a kubeconfig (the document is a list, not a mapping)",
    );
    expect(errorOf(() => parseKubeconfig("just text", "s.yaml")).message).toContain("not a mapping");
    expect(errorOf(() => parseKubeconfig("", "e.yaml")).message).toBe(
      "e.yaml: not a kubeconfig (empty file)",
    );
  });

  it("rejects invalid contexts with the path of the problem and no credentials", () => {
    const text = `users:\n- name: u\n  user: {token: ${FAKE_TOKEN}}\ncontexts:\n- name: a\n  context: {user: u}\n`;
    const err = errorOf(() => parseKubeconfig(text, "bad.yaml"));
    expect(err.message).toContain("bad.yaml: not a valid kubeconfig (contexts[0].context.cluster");
    expect(err.message).not.toContain(FAKE_TOKEN);
    const notList = errorOf(() => parseKubeconfig("contexts: nope\n", "n.yaml"));
    expect(notList.message).toContain("n.yaml: not a valid kubeconfig (contexts:");
  });
});

describe("loadClassicKubeconfig", () => {
  let dir = "";
  let cleanup: () => Promise<void> = async () => {};
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterEach(async () => {
    await cleanup();
  });

  it("merges kubectl-style: first file wins for contexts and current-context", async () => {
    const first = await put(
      dir,
      "first",
      kubeconfigYaml({
        current: "alpha",
        contexts: [{ name: "alpha" }, { name: "shared", namespace: "one" }],
      }),
    );
    const second = await put(
      dir,
      "second",
      kubeconfigYaml({ current: "beta", contexts: [{ name: "beta" }, { name: "shared", namespace: "two" }] }),
    );
    const missing = join(dir, "absent");
    const result = await loadClassicKubeconfig([missing, first, second], read);
    expect(result.currentContext).toBe("alpha");
    expect(result.contexts.map((c) => [c.name, c.file])).toEqual([
      ["alpha", first],
      ["shared", first],
      ["beta", second],
    ]);
    expect(result.contexts.find((c) => c.name === "shared")?.namespace).toBe("one");
    expect(result.missing).toEqual([missing]);
    expect(result.problems).toEqual([]);
  });

  it("takes current-context from the first file that sets a non-empty one", async () => {
    const noCurrent = await put(dir, "a", kubeconfigYaml({ contexts: [{ name: "a" }] }));
    const empty = await put(
      dir,
      "b",
      `${kubeconfigYaml({ contexts: [{ name: "b" }] })}current-context: ""\n`,
    );
    const withCurrent = await put(dir, "c", kubeconfigYaml({ current: "c", contexts: [{ name: "c" }] }));
    const result = await loadClassicKubeconfig([noCurrent, empty, withCurrent], read);
    expect(result.currentContext).toBe("c");
  });

  it("records malformed files as problems and keeps going", async () => {
    const bad = await put(dir, "bad", `users:\n- name: u\n  user: {token: "${FAKE_TOKEN}\n`);
    const good = await put(dir, "good", kubeconfigYaml({ contexts: [{ name: "good" }] }));
    const credsOnly = await put(dir, "creds", `users:\n- name: u\n  user: {token: ${FAKE_TOKEN}}\n`);
    const emptyFile = await put(dir, "empty", "");
    const result = await loadClassicKubeconfig([bad, good, credsOnly, emptyFile], read);
    expect(result.contexts.map((c) => c.name)).toEqual(["good"]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.kind).toBe("malformed");
    expect(result.problems[0]?.file).toBe(bad);
    expect(result.problems[0]?.message).toContain(`${bad}: invalid YAML at line`);
    expect(JSON.stringify(result)).not.toContain("SECRET");
  });

  it("reports unreadable paths without failing and ignores empty and duplicate entries", async () => {
    const good = await put(dir, "good", kubeconfigYaml({ contexts: [{ name: "good" }] }));
    const result = await loadClassicKubeconfig(["", good, good, dir], read);
    expect(result.contexts).toHaveLength(1);
    expect(result.problems.map((p) => p.kind)).toEqual(["malformed"]);
    expect(result.problems[0]?.message).toBe(
      `kubeconfig ${dir} is a directory: pass a directory of kubeconfig files with --kubeconfig-dir ${dir} (kubeconfig_dir), --kubeconfig takes files`,
    );
  });
});
