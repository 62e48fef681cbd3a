// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write literal ${VAR} references
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load.js";
import { redactConfig, renderConfigToml } from "../../../src/config/redact.js";
import { writeToml } from "./helpers.js";

const TOKEN = "token-zz9:Very-Secret-Value";

describe("redaction", () => {
  it("never shows the Rancher or HTTP token", async () => {
    const file = await writeToml(
      '[nsk]\nrancher_token = "${T}"\nrancher_url = "https://rancher.example.com"\n',
    );
    const { config } = await loadConfig({
      configPath: file,
      env: { T: TOKEN, K8S_MCP_HTTP_TOKEN: "http-Very-Secret" },
      flags: {},
      homedir: "/h",
    });
    expect(config.nsk?.rancher_token).toBe(TOKEN);
    const text = renderConfigToml(config);
    expect(text).not.toContain("Very-Secret");
    const reparsed = parse(text);
    expect(reparsed.http_token).toBe("<redacted>");
    expect(reparsed.nsk).toMatchObject({
      rancher_token: "<redacted>",
      rancher_url: "https://rancher.example.com",
    });
    expect(reparsed.allow_secret_values).toBe(false);
    expect(config.nsk?.rancher_token).toBe(TOKEN);
  });

  it("redacts secrets in nsk arguments and URLs, keeps everything else", async () => {
    const { config } = await loadConfig({
      env: {},
      flags: {
        kubeconfig_dir: "/k",
        nsk: { rancher_url: "https://admin:pw-Very-Secret@rancher.example.com/" },
      },
      homedir: "/h",
    });
    const withArgs = {
      ...config,
      nsk: config.nsk && {
        ...config.nsk,
        refresh_args: ["--token", "Very-Secret", "--password=Very-Secret", "x"],
      },
    };
    const redacted = redactConfig(withArgs);
    const json = JSON.stringify(redacted);
    expect(json).not.toContain("Very-Secret");
    expect(json).toContain('"refresh_args":["--token","<redacted>","--password=<redacted>","x"]');
    expect(json).toContain('"kubeconfig_dir":"/k"');
    expect(json).toContain("rancher.example.com");
  });

  it("omits unset keys so the output parses", async () => {
    const { config } = await loadConfig({ env: {}, flags: {}, homedir: "/h" });
    const reparsed = parse(renderConfigToml(config));
    expect(reparsed).not.toHaveProperty("http_token");
    expect(reparsed.request_timeout).toBe("30s");
  });

  it("keeps alias names that merely look like secret keys", async () => {
    const file = await writeToml('[cluster_aliases]\nturkey = "c1-lax1"\n"secret-east" = "c1-dfw1"\n');
    const { config } = await loadConfig({ configPath: file, env: {}, flags: {}, homedir: "/h" });
    const reparsed = parse(renderConfigToml(config)) as { cluster_aliases: Record<string, string> };
    expect(reparsed.cluster_aliases).toEqual({ turkey: "c1-lax1", "secret-east": "c1-dfw1" });
  });
});
