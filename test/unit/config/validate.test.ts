import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/config/errors.js";
import { loadConfig } from "../../../src/config/load.js";
import { errorOf, writeToml } from "./helpers.js";

const HOME = "/home/tester";

async function fileError(text: string): Promise<{ file: string; error: Error }> {
  const file = await writeToml(text);
  const error = await errorOf(loadConfig({ configPath: file, env: {}, flags: {}, homedir: HOME }));
  expect(error).toBeInstanceOf(ConfigError);
  return { file, error };
}

describe("unknown keys", () => {
  it("suggests the closest top-level key with file and line", async () => {
    const { file, error } = await fileError('read_only = true\n\n# dir\nkubeconfig_dri = "/x"\n');
    expect(error.message).toBe(
      `unknown key "kubeconfig_dri" in ${file} (line 4); did you mean "kubeconfig_dir"?`,
    );
  });

  it("suggests within the [nsk] table", async () => {
    const { file, error } = await fileError('[nsk]\nprofile = "p"\nrancher_tokn = "t"\n');
    expect(error.message).toBe(
      `unknown key "nsk.rancher_tokn" in ${file} (line 3); did you mean "nsk.rancher_token"?`,
    );
  });

  it("explains a top-level key written after the [nsk] header", async () => {
    const { error } = await fileError('[nsk]\nprofile = "p"\nread_only = true\n');
    expect(error.message).toContain('unknown key "nsk.read_only"');
    expect(error.message).toContain("move it above the [nsk] header");
  });

  it("flags an unknown table and offers no far-fetched suggestion", async () => {
    const { file, error } = await fileError("[zzzzzz]\na = 1\n");
    expect(error.message).toBe(`unknown key "zzzzzz" in ${file} (line 1)`);
  });

  it("reports keys inside denied_resources entries", async () => {
    const { error } = await fileError('[[denied_resources]]\nkind = "Secret"\ngrup = "apps"\n');
    expect(error.message).toContain('unknown key "denied_resources[0].grup"');
    expect(error.message).toContain("(line 3)");
    expect(error.message).toContain('did you mean "denied_resources[0].group"?');
  });

  it("reports every problem, one per line", async () => {
    const { error } = await fileError("read_onli = true\nlog_levle = 1\n");
    expect(error.message.split("\n")).toHaveLength(2);
    expect(error instanceof ConfigError ? error.problems : []).toHaveLength(2);
  });
});

describe("wrong types and values", () => {
  it("names the dotted path, expected and actual type, and the file", async () => {
    const { file, error } = await fileError('[nsk]\nauto_refresh = "yes"\n');
    expect(error.message).toBe(`nsk.auto_refresh: expected boolean, got string (in ${file}, line 2)`);
  });

  it("lists the allowed values of an enum", async () => {
    const { error } = await fileError('list_output = "json"\n');
    expect(error.message).toContain('list_output: expected one of "table", "yaml"');
  });

  it("rejects a bad duration without echoing it", async () => {
    const { error } = await fileError('request_timeout = "5x"\n');
    expect(error.message).toContain("request_timeout: must be a duration");
  });

  it("rejects an invalid regular expression", async () => {
    const { error } = await fileError('[nsk]\ncluster_pattern = "^(c1"\n');
    expect(error.message).toContain("nsk.cluster_pattern: is not a valid JavaScript regular expression");
  });

  it("rejects a rancher_url that is not a URL", async () => {
    const { error } = await fileError('[nsk]\nrancher_url = "rancher.example.com"\n');
    expect(error.message).toContain("nsk.rancher_url: must be an http(s) URL");
  });

  it("checks port range and integer-ness", async () => {
    expect((await fileError("port = 70000\n")).error.message).toContain("port: must be between 0 and 65535");
    expect((await fileError("port = 80.5\n")).error.message).toContain("port: expected integer, got float");
  });

  it("requires kind in denied_resources", async () => {
    const { error } = await fileError('denied_resources = [{ group = "apps" }]\n');
    expect(error.message).toContain("denied_resources[0].kind: required string is missing");
  });

  it("names the flag when a flag value is wrong", async () => {
    const error = await errorOf(loadConfig({ env: {}, flags: { log_level: "loud" }, homedir: HOME }));
    expect(error.message).toBe(
      'log_level: expected one of "error", "warn", "info", "debug" (from --log-level)',
    );
  });

  it("names the environment variable when an env value is wrong", async () => {
    const error = await errorOf(loadConfig({ env: { RANCHER_URL: "not a url" }, flags: {}, homedir: HOME }));
    expect(error.message).toContain("nsk.rancher_url");
    expect(error.message).toContain("(from environment variable RANCHER_URL)");
    expect(error.message).not.toContain("not a url");
  });
});

describe("hoisting keys written after [nsk]", () => {
  it("moves kubeconfig_dir, default_cluster and auto_discovery to the top level", async () => {
    const file = await writeToml(
      '[nsk]\nprofile = "p"\nkubeconfig_dir = "/k"\ndefault_cluster = "c"\nauto_discovery = false\n',
    );
    const { config, sources } = await loadConfig({ configPath: file, env: {}, flags: {}, homedir: HOME });
    expect(config.kubeconfig_dir).toBe("/k");
    expect(config.default_cluster).toBe("c");
    expect(config.auto_discovery).toBe(false);
    expect(sources.auto_discovery).toBe("toml");
    expect(config.nsk).toBeDefined();
    expect(Object.keys(config.nsk ?? {})).not.toContain("kubeconfig_dir");
    expect(Object.keys(config.nsk ?? {})).not.toContain("auto_discovery");
  });

  it("moves credential_warning too, and keeps refresh_before_expiry in [nsk]", async () => {
    const file = await writeToml(
      '[nsk]\nauto_refresh = true\nrefresh_before_expiry = "30m"\ncredential_warning = "12h"\n',
    );
    const { config } = await loadConfig({ configPath: file, env: {}, flags: {}, homedir: HOME });
    expect(config.credential_warning).toBe("12h");
    expect(config.nsk?.refresh_before_expiry).toBe("30m");
    expect(Object.keys(config.nsk ?? {})).not.toContain("credential_warning");
    const bad = await fileError('credential_warning = "soon"\n');
    expect(bad.error.message).toMatch(/credential_warning: must be a duration/);
  });

  it("accepts the same value in both places", async () => {
    const file = await writeToml('default_cluster = "c"\n[nsk]\ndefault_cluster = "c"\n');
    const { config } = await loadConfig({ configPath: file, env: {}, flags: {}, homedir: HOME });
    expect(config.default_cluster).toBe("c");
  });

  it("reports conflicting values with both locations", async () => {
    const { file, error } = await fileError(
      'default_cluster = "a"\n[nsk]\nprofile = "p"\ndefault_cluster = "b"\n',
    );
    expect(error.message).toContain(`default_cluster is set twice with different values in ${file}`);
    expect(error.message).toContain("at the top level (line 1)");
    expect(error.message).toContain("inside [nsk] as nsk.default_cluster (line 4)");
  });

  it("points type errors of hoisted keys at their line inside [nsk]", async () => {
    const { file, error } = await fileError('[nsk]\nprofile = "p"\nauto_discovery = "yes"\n');
    expect(error.message).toBe(`auto_discovery: expected boolean, got string (in ${file}, line 3)`);
  });
});
