// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write literal ${VAR} references
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/config/errors.js";
import { loadConfig } from "../../../src/config/load.js";
import { errorOf, tempDir, writeToml } from "./helpers.js";

const HOME = "/home/tester";

describe("loadConfig defaults", () => {
  it("applies the schema defaults when nothing is given", async () => {
    const { config, sources, configPath } = await loadConfig({ env: {}, flags: {}, homedir: HOME });
    expect(configPath).toBeUndefined();
    expect(config).toEqual({
      cluster_aliases: {},
      auto_discovery: true,
      exclude_clusters: [],
      in_cluster: true,
      in_cluster_name: "in-cluster",
      read_only: false,
      disable_destructive: false,
      denied_resources: [],
      read_only_clusters: [],
      require_cluster: false,
      confirm_clusters: [],
      allow_secret_values: false,
      list_output: "table",
      request_timeout: "30s",
      credential_warning: "24h",
      max_output_bytes: 65536,
      max_request_bytes: 4194304,
      max_kubeconfig_bytes: 4194304,
      max_manifest_bytes: 4194304,
      max_replicas: 1000,
      max_manifest_documents: 1000,
      helm_path: "helm",
      log_level: "info",
      host: "127.0.0.1",
      http_legacy: "sessions",
      session_idle_timeout: "30m",
      http_max_connections: 512,
      http_max_connections_per_client: 256,
      http_headers_timeout: "10s",
      http_request_timeout: "60s",
      http_keep_alive_timeout: "5s",
      http_allowed_hosts: [],
      cluster_auth: "server",
      http_user_rate_limit: 600,
    });
    expect(config.nsk).toBeUndefined();
    expect(sources.read_only).toBe("default");
    expect(sources.kubeconfig_dir).toBeUndefined();
  });

  it("fills nsk defaults once any nsk key is set", async () => {
    const file = await writeToml('[nsk]\nprofile = "prod"\n');
    const { config, sources } = await loadConfig({ configPath: file, env: {}, flags: {}, homedir: HOME });
    expect(config.nsk).toEqual({
      profile: "prod",
      rancher_insecure: false,
      auto_refresh: false,
      refresh_interval: "1h",
      refresh_before_expiry: "1h",
      nsk_path: "nsk",
      exclude_clusters: [],
      driver: "auto",
      min_refresh_interval: "1m",
      refresh_timeout: "5m",
    });
    expect(sources["nsk.profile"]).toBe("toml");
    expect(sources["nsk.nsk_path"]).toBe("default");
  });
});

describe("precedence: defaults < TOML < env < flags", () => {
  const toml =
    '[nsk]\nrancher_url = "https://toml.example.com"\nprofile = "from-toml"\nconfig_dir = "/toml"\n';

  it("flag beats env beats TOML", async () => {
    const file = await writeToml(toml);
    const { config, sources } = await loadConfig({
      configPath: file,
      env: { RANCHER_URL: "https://env.example.com", NSK_PROFILE: "from-env" },
      flags: { nsk: { rancher_url: "https://flag.example.com" } },
      homedir: HOME,
    });
    expect(config.nsk?.rancher_url).toBe("https://flag.example.com");
    expect(sources["nsk.rancher_url"]).toBe("flag");
    expect(config.nsk?.profile).toBe("from-env");
    expect(sources["nsk.profile"]).toBe("env");
    expect(config.nsk?.config_dir).toBe("/toml");
    expect(sources["nsk.config_dir"]).toBe("toml");
  });

  it("top-level flags override TOML values", async () => {
    const file = await writeToml('read_only = false\nlog_level = "warn"\nport = 9000\n');
    const { config, sources } = await loadConfig({
      configPath: file,
      env: {},
      flags: { read_only: true, port: 8080 },
      homedir: HOME,
    });
    expect(config.read_only).toBe(true);
    expect(config.port).toBe(8080);
    expect(sources.port).toBe("flag");
    expect(config.log_level).toBe("warn");
    expect(sources.log_level).toBe("toml");
  });

  it("ignores empty environment variables", async () => {
    const file = await writeToml(toml);
    const { config } = await loadConfig({
      configPath: file,
      env: { NSK_PROFILE: "" },
      flags: {},
      homedir: HOME,
    });
    expect(config.nsk?.profile).toBe("from-toml");
  });

  it("maps every documented environment variable", async () => {
    const { config, sources } = await loadConfig({
      env: {
        RANCHER_URL: "https://r.example.com",
        RANCHER_TOKEN: "token-abc:xyz",
        RANCHER_INSECURE: "yes",
        NSK_PROFILE: "p",
        NSK_CONFDIR: "/confdir",
        K8S_MCP_HTTP_TOKEN: "http-secret",
        KUBECONFIG: "/ignored/here",
      },
      flags: {},
      homedir: HOME,
    });
    expect(config.nsk).toMatchObject({
      rancher_url: "https://r.example.com",
      rancher_token: "token-abc:xyz",
      rancher_insecure: true,
      profile: "p",
      config_dir: "/confdir",
    });
    expect(config.http_token).toBe("http-secret");
    expect(config.kubeconfig).toBeUndefined();
    expect(sources.http_token).toBe("env");
  });
});

describe("RANCHER_INSECURE", () => {
  it.each([
    ["true", true],
    ["1", true],
    ["YES", true],
    ["false", false],
    ["0", false],
    ["no", false],
  ])("%s means %s", async (text, expected) => {
    const { config } = await loadConfig({ env: { RANCHER_INSECURE: text }, flags: {}, homedir: HOME });
    expect(config.nsk?.rancher_insecure).toBe(expected);
  });

  it("rejects anything else, naming the variable", async () => {
    const error = await errorOf(loadConfig({ env: { RANCHER_INSECURE: "maybe" }, flags: {}, homedir: HOME }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain("RANCHER_INSECURE");
  });
});

describe("derived values", () => {
  it("kubeconfig_dir defaults to nsk.config_dir", async () => {
    const { config, sources } = await loadConfig({
      env: { NSK_CONFDIR: "/nsk/dir" },
      flags: {},
      homedir: HOME,
    });
    expect(config.kubeconfig_dir).toBe("/nsk/dir");
    expect(sources.kubeconfig_dir).toBe("env");
  });

  it("an explicit kubeconfig_dir wins over nsk.config_dir", async () => {
    const { config } = await loadConfig({
      env: { NSK_CONFDIR: "/nsk/dir" },
      flags: { kubeconfig_dir: "/flag/dir" },
      homedir: HOME,
    });
    expect(config.kubeconfig_dir).toBe("/flag/dir");
    expect(config.nsk?.config_dir).toBe("/nsk/dir");
  });

  it("expands ~/ in path settings", async () => {
    const file = await writeToml(
      'kubeconfig = "~/a.yaml:/abs/b.yaml"\naudit_log = "~/audit.jsonl"\nlog_file = "~/k.log"\n' +
        '[nsk]\nconfig_dir = "~/.nsk"\n',
    );
    const { config } = await loadConfig({ configPath: file, env: {}, flags: {}, homedir: HOME });
    expect(config.kubeconfig).toBe(`${join(HOME, "a.yaml")}:/abs/b.yaml`);
    expect(config.audit_log).toBe(join(HOME, "audit.jsonl"));
    expect(config.log_file).toBe(join(HOME, "k.log"));
    expect(config.nsk?.config_dir).toBe(join(HOME, ".nsk"));
    expect(config.kubeconfig_dir).toBe(join(HOME, ".nsk"));
  });

  it("does not create an nsk table from flags or env that are absent", async () => {
    const { config } = await loadConfig({ env: { HOME: "/x" }, flags: { read_only: true }, homedir: HOME });
    expect(config.nsk).toBeUndefined();
  });
});

describe("${VAR} expansion", () => {
  it("replaces references in strings, arrays and nested tables", async () => {
    const file = await writeToml(
      'kubeconfig_dir = "${BASE}/clusters"\nexclude_clusters = ["${OLD}", "x"]\n' +
        '[nsk]\nrancher_token = "${TOKEN}"\n[cluster_aliases]\nprod = "${PROD}"\n',
    );
    const env = { BASE: "/srv", OLD: "legacy", TOKEN: "token-1:s3cr3t", PROD: "c1-sv5" };
    const { config } = await loadConfig({ configPath: file, env, flags: {}, homedir: HOME });
    expect(config.kubeconfig_dir).toBe("/srv/clusters");
    expect(config.exclude_clusters).toEqual(["legacy", "x"]);
    expect(config.nsk?.rancher_token).toBe("token-1:s3cr3t");
    expect(config.cluster_aliases).toEqual({ prod: "c1-sv5" });
  });

  it("a missing variable names the variable and key, and leaks no value", async () => {
    const file = await writeToml('[nsk]\nrancher_url = "${URL}"\nrancher_token = "${PROD_RANCHER_TOKEN}"\n');
    const env = { URL: "https://very-private.example.com", OTHER_SECRET: "hunter2" };
    const error = await errorOf(loadConfig({ configPath: file, env, flags: {}, homedir: HOME }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain("nsk.rancher_token references ${PROD_RANCHER_TOKEN}, which is not set");
    expect(error.message).toContain(file);
    expect(error.message).toContain("line 3");
    expect(error.message).not.toContain("very-private");
    expect(error.message).not.toContain("hunter2");
  });

  it("an empty variable is an error too", async () => {
    const file = await writeToml('default_cluster = "${CLUSTER}"\n');
    const error = await errorOf(
      loadConfig({ configPath: file, env: { CLUSTER: "" }, flags: {}, homedir: HOME }),
    );
    expect(error.message).toContain("${CLUSTER}");
    expect(error.message).toContain("empty");
  });

  it("leaves text that is not a reference alone", async () => {
    const file = await writeToml('default_cluster = "$HOME-${not valid}"\n');
    const { config } = await loadConfig({ configPath: file, env: {}, flags: {}, homedir: HOME });
    expect(config.default_cluster).toBe("$HOME-${not valid}");
  });
});

describe("file errors", () => {
  it("a missing file names the path and the reason", async () => {
    const path = join(await tempDir(), "nope.toml");
    const error = await errorOf(loadConfig({ configPath: path, env: {}, flags: {}, homedir: HOME }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`cannot read config file ${path}: no such file`);
  });

  it("a TOML syntax error carries file, line and column", async () => {
    const file = await writeToml('read_only = true\nlog_level = = "debug"\n');
    const error = await errorOf(loadConfig({ configPath: file, env: {}, flags: {}, homedir: HOME }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(new RegExp(`^invalid TOML in ${file} at line 2, column \\d+: \\S`));
    expect(error.message).not.toContain("\n");
  });
});
