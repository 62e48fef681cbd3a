// Pure parts of the team server: per-user rate limit, per-cluster cluster_auth, identities, derived client settings.
import { Agent } from "node:http";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { clusterAuthMode, clusterIdentity } from "../../../src/auth/cluster-auth.js";
import { Identity } from "../../../src/auth/identity.js";
import { UserRateLimit } from "../../../src/auth/rate-limit.js";
import { checkTeamSetup } from "../../../src/auth/settings.js";
import { ConfigSchema } from "../../../src/config/index.js";
import type { ClientSettings } from "../../../src/kube/client.js";
import { authKey, settingsAs } from "../../../src/kube/identity.js";

const TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVl";
const alice = new Identity("oidc:alice", ["team-a", "system:masters"], ["k8s:read"], TOKEN, 0);

describe("UserRateLimit", () => {
  it("allows perMinute requests per user, then says how long to wait, and refills with time", () => {
    let now = 0;
    const limit = new UserRateLimit(3, () => now);
    expect([limit.take("a"), limit.take("a"), limit.take("a")]).toEqual([0, 0, 0]);
    expect(limit.take("a")).toBe(20);
    expect(limit.take("b")).toBe(0); // another user has their own budget
    now += 20_000;
    expect(limit.take("a")).toBe(0);
    expect(new UserRateLimit(0).take("a")).toBe(0);
  });
});

describe("cluster_auth per cluster", () => {
  const config = {
    cluster_auth: "server" as const,
    cluster_auth_clusters: {
      passthrough: ["oidc-*"],
      impersonate: ["prod-*", "lab"],
      server: ["oidc-legacy"],
    },
  };
  it("picks the first list naming any of the cluster's names, else cluster_auth", () => {
    expect(clusterAuthMode(config, ["oidc-1"])).toBe("passthrough");
    expect(clusterAuthMode(config, ["oidc-legacy"])).toBe("passthrough"); // passthrough is consulted first
    expect(clusterAuthMode(config, ["c1-sv5", "lab"])).toBe("impersonate"); // an alias counts
    expect(clusterAuthMode(config, ["c1-sv5"])).toBe("server");
    expect(clusterAuthMode({ cluster_auth: "impersonate" }, ["x"])).toBe("impersonate");
  });
  it("impersonates only the validated user and groups, never system: names; without a caller it refuses", () => {
    const who = clusterIdentity(config, ["prod-1"], alice);
    expect(who.auth).toEqual({ kind: "impersonate", user: "oidc:alice", groups: ["team-a"] });
    const root = new Identity("system:admin", [], [], TOKEN, 0);
    expect(() => clusterIdentity(config, ["prod-1"], root)).toThrow(/reserved/);
    expect(() => clusterIdentity(config, ["prod-1"], undefined)).toThrow(/no authenticated user/);
    expect(clusterIdentity(config, ["c1-sv5"], undefined)).toEqual({ mode: "server" });
  });
});

describe("Identity", () => {
  it("never shows its token in JSON or inspection", () => {
    expect(JSON.stringify(alice)).not.toContain("eyJ");
    expect(inspect(alice, { depth: 5, showHidden: true })).not.toContain("c2lnbmF0dXJl");
    expect(alice.bearer()).toBe(TOKEN);
  });
});

describe("settingsAs", () => {
  const base: ClientSettings = {
    name: "c1",
    server: "https://127.0.0.1:6443",
    defaultNamespace: "default",
    tls: { ca: "CA", cert: "CERT", key: "KEY", rejectUnauthorized: true },
    headers: async () => ({ Authorization: "Bearer server-token", "Impersonate-User": "from-kubeconfig" }),
    defaultTimeoutMs: 1000,
  };
  it("impersonate: the server's credential, the caller's user and groups, nothing else impersonated", async () => {
    const s = settingsAs(base, { kind: "impersonate", user: "oidc:alice", groups: ["a", "b"] });
    expect(await s.headers()).toEqual({
      Authorization: "Bearer server-token",
      "Impersonate-User": "oidc:alice",
      "Impersonate-Group": ["a", "b"],
    });
    expect(s.tls.cert).toBe("CERT");
  });
  it("bearer: only the caller's token; no client certificate, no kubeconfig token, no proxy agent", async () => {
    const s = settingsAs(base, { kind: "bearer", user: "oidc:alice", token: () => "caller-token" });
    expect(await s.headers()).toEqual({ Authorization: "Bearer caller-token" });
    expect(s.tls).toEqual({ ca: "CA", rejectUnauthorized: true, servername: undefined });
    expect(() =>
      settingsAs({ ...base, agent: new Agent() }, { kind: "bearer", user: "u", token: () => "t" }),
    ).toThrow(/proxy-url/);
  });
  it("keys differ by user, groups and token", () => {
    const k = (groups: string[]) => authKey({ kind: "impersonate", user: "u", groups });
    expect(k(["a"])).not.toBe(k(["b"]));
    const t = (token: string) => authKey({ kind: "bearer", user: "u", token: () => token });
    expect(t("one")).not.toBe(t("two"));
    expect(t("one")).not.toContain("one");
  });
});

describe("checkTeamSetup", () => {
  const oauth = { issuer: "https://idp.example.com", audience: "https://mcp.example.com/mcp" };
  it("refuses settings that cannot work together", () => {
    expect(() => checkTeamSetup(ConfigSchema.parse({ cluster_auth: "impersonate", port: 1 }))).toThrow(
      /needs \[oauth\]/,
    );
    expect(() => checkTeamSetup(ConfigSchema.parse({ oauth, port: 1, http_token: "x" }))).toThrow(
      /http_token/,
    );
    expect(() => checkTeamSetup(ConfigSchema.parse({ oauth }))).toThrow(/set port/);
    expect(() =>
      checkTeamSetup(ConfigSchema.parse({ oauth, port: 1, cluster_auth: "passthrough" })),
    ).not.toThrow();
    expect(() => ConfigSchema.parse({ oauth: { ...oauth, issuer: "http://idp" } })).toThrow(/https/);
  });
});
