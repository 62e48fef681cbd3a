// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write literal ${VAR} references
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/config/errors.js";
import { loadConfig } from "../../../src/config/load.js";
import { errorOf } from "./helpers.js";

const example = (name: string): string =>
  fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url));

const ENV = {
  PROD_RANCHER_TOKEN: "token-prod:p-secret",
  STAGING_RANCHER_TOKEN: "token-stg:s-secret",
  DEV_RANCHER_TOKEN: "token-dev:d-secret",
};

describe("the proposal's example files", () => {
  it("production means what it says", async () => {
    const { config, configPath } = await loadConfig({
      configPath: example("config-production.toml"),
      env: ENV,
      flags: {},
    });
    expect(configPath).toBe(example("config-production.toml"));
    expect(config.kubeconfig_dir).toBe("/etc/kubernetes/clusters/prod");
    expect(config.default_cluster).toBe("c1-sv5");
    expect(config.auto_discovery).toBe(true);
    expect(config.cluster_aliases).toEqual({
      production: "c1-sv5",
      "prod-west": "c1-lax1",
      "prod-east": "c1-dfw1",
    });
    expect(config.nsk).toMatchObject({
      rancher_url: "https://rancher.netskope.io",
      rancher_token: "token-prod:p-secret",
      profile: "prod",
      config_dir: "/etc/kubernetes/clusters/prod",
      auto_refresh: true,
      refresh_interval: "1h",
      cluster_pattern: "^c1-.*",
    });
    expect(config.nsk).not.toHaveProperty("kubeconfig_dir");
    expect(config.nsk).not.toHaveProperty("default_cluster");
    expect(config.cluster_pattern).toBeUndefined();
  });

  it("staging means what it says", async () => {
    const { config } = await loadConfig({ configPath: example("config-staging.toml"), env: ENV, flags: {} });
    expect(config.kubeconfig_dir).toBe("/etc/kubernetes/clusters/staging");
    expect(config.default_cluster).toBe("iad0-sandbox");
    expect(config.nsk?.rancher_url).toBe("https://rancher.prime.iad0.netskope.com");
    expect(config.nsk?.rancher_token).toBe("token-stg:s-secret");
    expect(config.nsk?.refresh_interval).toBe("30m");
    expect(config.nsk?.profile).toBe("staging");
  });

  it("development means what it says", async () => {
    const { config } = await loadConfig({
      configPath: example("config-development.toml"),
      env: ENV,
      flags: {},
    });
    expect(config.kubeconfig_dir).toBe("/etc/kubernetes/clusters/dev");
    expect(config.default_cluster).toBe("dev-cluster");
    expect(config.nsk?.exclude_clusters).toEqual(["legacy-cluster", "deprecated-test"]);
    expect(config.exclude_clusters).toEqual([]);
    expect(config.nsk?.refresh_interval).toBe("15m");
    expect(config.nsk?.rancher_token).toBe("token-dev:d-secret");
  });

  it("production without its token variable names the variable only", async () => {
    const error = await errorOf(
      loadConfig({
        configPath: example("config-production.toml"),
        env: { DEV_RANCHER_TOKEN: "x-secret" },
        flags: {},
      }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain("nsk.rancher_token references ${PROD_RANCHER_TOKEN}, which is not set");
    expect(error.message).not.toContain("x-secret");
  });

  it("environment overrides the file's token", async () => {
    const { config, sources } = await loadConfig({
      configPath: example("config-staging.toml"),
      env: { ...ENV, RANCHER_TOKEN: "token-env:e" },
      flags: {},
    });
    expect(config.nsk?.rancher_token).toBe("token-env:e");
    expect(sources["nsk.rancher_token"]).toBe("env");
  });
});
