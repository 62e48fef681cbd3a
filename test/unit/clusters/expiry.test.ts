// Credential expiry from kubeconfig data alone: JWT exp, client certificate NotAfter, exec cache, Rancher's report.
import { describe, expect, it } from "vitest";
import {
  certificateExpiry,
  credentialExpiry,
  describeExpiry,
  expiryView,
  jwtExpiry,
  rancherTokenName,
  shortDuration,
  userOfContext,
} from "../../../src/clusters/expiry.js";
import { makeClientCertificate, unsignedJwt } from "../../helpers/credentials.js";

const NOW = Date.parse("2026-12-06T00:00:00Z");
const H = 3_600_000;

describe("jwtExpiry", () => {
  it("reads exp (seconds) from the payload of a JWT", () => {
    expect(jwtExpiry(unsignedJwt({ sub: "x", exp: NOW / 1000 + 3600 }))).toBe(NOW + H);
  });
  it("gives nothing for opaque tokens, payloads without exp, and garbage", () => {
    expect(jwtExpiry("kubeconfig-u-abc:s3cr3tvalue")).toBeUndefined();
    expect(jwtExpiry(unsignedJwt({ sub: "x" }))).toBeUndefined();
    expect(jwtExpiry(unsignedJwt({ exp: "tomorrow" }))).toBeUndefined();
    expect(jwtExpiry("a.%%%.c")).toBeUndefined();
  });
});

describe("certificateExpiry", () => {
  it("reads NotAfter of a real certificate", async () => {
    const { cert } = await makeClientCertificate(1);
    const at = certificateExpiry(cert) ?? 0;
    expect(Math.abs(at - (Date.now() + 24 * H))).toBeLessThan(5 * 60_000);
    expect(certificateExpiry("not a certificate")).toBeUndefined();
  });
});

describe("credentialExpiry", () => {
  it("takes the earliest of what the user block carries", async () => {
    const { cert } = await makeClientCertificate(1);
    const token = unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 3600 });
    const e = credentialExpiry({
      user: { token, "client-certificate-data": Buffer.from(cert).toString("base64") },
    });
    expect(e?.source).toBe("token");
    const certOnly = credentialExpiry({
      user: { "client-certificate-data": Buffer.from(cert).toString("base64") },
    });
    expect(certOnly?.source).toBe("client-certificate");
    // a certificate named by path is read by the caller and handed in
    expect(
      credentialExpiry({ user: { "client-certificate": "c.pem" }, files: { clientCertificate: cert } })
        ?.source,
    ).toBe("client-certificate");
  });

  it("uses the exec plugin's last expiry only for exec users", () => {
    expect(credentialExpiry({ user: { exec: { command: "x" } }, execExpiresAt: NOW + H })).toEqual({
      expiresAt: NOW + H,
      source: "exec",
    });
    expect(credentialExpiry({ user: { token: "opaque" }, execExpiresAt: NOW + H })).toBeUndefined();
  });

  it("uses Rancher's report only while the file holds the token it was made for", () => {
    const rancher = { tokenName: "kubeconfig-u-abc", expiresAt: NOW + 2 * H };
    expect(credentialExpiry({ user: { token: "kubeconfig-u-abc:secretvalue" }, rancher })?.source).toBe(
      "rancher",
    );
    expect(credentialExpiry({ user: { token: "kubeconfig-u-new:secretvalue" }, rancher })).toBeUndefined();
    expect(rancherTokenName("kubeconfig-u-abc:secretvalue")).toBe("kubeconfig-u-abc");
    expect(rancherTokenName("plainbearer")).toBeUndefined();
  });

  it("knows nothing for a user block without expiring credentials", () => {
    expect(credentialExpiry({ user: { token: "opaque" } })).toBeUndefined();
    expect(credentialExpiry({ user: undefined })).toBeUndefined();
  });
});

describe("wording", () => {
  it("says how long is left, or how long ago it lapsed, never the token", () => {
    const token = unsignedJwt({ exp: (NOW + 3 * H + 12 * 60_000) / 1000 });
    const e = credentialExpiry({ user: { token } });
    if (!e) throw new Error("no expiry");
    expect(describeExpiry(e, NOW)).toBe("token expires in 3h12m");
    expect(describeExpiry(e, NOW + 4 * H)).toBe("token expired 48m ago");
    const view = expiryView(e, NOW, 24 * H);
    expect(view?.warning).toBe(true);
    expect(expiryView(e, NOW, H)?.warning).toBe(false);
    expect(JSON.stringify(view)).not.toContain(token.split(".")[1]);
    expect([
      shortDuration(2 * 86_400_000 + 5 * H),
      shortDuration(45_000),
      shortDuration(90 * 60_000),
    ]).toEqual(["2d5h", "45s", "1h30m"]);
  });
});

describe("userOfContext", () => {
  const doc = {
    "current-context": "a",
    contexts: [
      { name: "a", context: { cluster: "c", user: "ua" } },
      { name: "b", context: { cluster: "c", user: "ub" } },
    ],
    users: [
      { name: "ua", user: { token: "ta" } },
      { name: "ub", user: { token: "tb" } },
    ],
  };
  it("follows the current context, or the one named", () => {
    expect(userOfContext(doc)).toEqual({ token: "ta" });
    expect(userOfContext(doc, "b")).toEqual({ token: "tb" });
    expect(userOfContext(doc, "missing")).toBeUndefined();
    expect(userOfContext("garbage")).toBeUndefined();
  });
});
