// Settings resolution: driver choice, directory, template validation, URL display.
import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, ConfigSchema } from "../../../src/config/index.js";
import { displayUrl, findExecutable, resolveRancherSettings } from "../../../src/rancher/settings.js";

async function fakeBinary(): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), "bin-"));
  const path = join(dir, "nsk");
  await writeFile(path, "#!/bin/sh\n");
  await chmod(path, 0o755);
  return { dir, path };
}

describe("resolveRancherSettings", () => {
  it("auto picks nsk when it is on PATH, else the API", async () => {
    const bin = await fakeBinary();
    const config = ConfigSchema.parse({ nsk: { config_dir: "/k", rancher_url: "https://r" } });
    expect(resolveRancherSettings(config, { PATH: bin.dir }).driver).toBe("nsk");
    expect(resolveRancherSettings(config, { PATH: bin.dir }).nskBinary).toBe(bin.path);
    expect(resolveRancherSettings(config, { PATH: "/nonexistent" }).driver).toBe("rancher-api");
  });

  it("accepts an absolute executable nsk_path, and an explicit driver wins", async () => {
    const bin = await fakeBinary();
    const abs = ConfigSchema.parse({ nsk: { nsk_path: bin.path } });
    expect(resolveRancherSettings(abs, { PATH: "" }).driver).toBe("nsk");
    const api = ConfigSchema.parse({ nsk: { nsk_path: bin.path, driver: "rancher-api" } });
    expect(resolveRancherSettings(api, {}).driver).toBe("rancher-api");
    expect(findExecutable("/nonexistent/nsk", "")).toBeUndefined();
  });

  it("writes into config_dir, else kubeconfig_dir, and parses durations", () => {
    const s = resolveRancherSettings(
      ConfigSchema.parse({
        kubeconfig_dir: "/served",
        nsk: { refresh_interval: "30m", min_refresh_interval: "0s" },
      }),
      {},
    );
    expect(s.dir).toBe("/served");
    expect(s.intervalMs).toBe(1_800_000);
    expect(s.minIntervalMs).toBe(0);
    expect(s.timeoutMs).toBe(300_000);
  });

  it("combines top-level and [nsk] filters", () => {
    const s = resolveRancherSettings(
      ConfigSchema.parse({
        exclude_clusters: ["x"],
        nsk: { cluster_pattern: "^c1-", exclude_clusters: ["c1-old*"] },
      }),
      {},
    );
    expect(["c1-a", "c1-old2", "x", "d"].filter(s.filter)).toEqual(["c1-a"]);
  });

  it("rejects unknown template placeholders at startup", () => {
    const config = ConfigSchema.parse({ nsk: { refresh_args: ["--dir", "{confdir}"] } });
    expect(() => resolveRancherSettings(config, {})).toThrow(ConfigError);
    expect(() => resolveRancherSettings(config, {})).toThrow(/unknown placeholder \{confdir\}/);
  });
});

describe("displayUrl", () => {
  it("drops credentials and query strings", () => {
    expect(displayUrl("https://user:pw@rancher.example.com/?x=1")).toBe("https://rancher.example.com");
    expect(displayUrl(undefined)).toBeUndefined();
  });
});
