// The one redactor's rules on their own: URL userinfo, server normalisation, free text, structural trees.
import { describe, expect, it } from "vitest";
import { redactText } from "../../../src/redact/text.js";
import { redactTree } from "../../../src/redact/tree.js";
import { normaliseServer, redactUrl } from "../../../src/redact/url.js";

const P = "Pl4nted-Secret";

describe("redactUrl", () => {
  it("removes userinfo in every spelling and keeps the rest as written", () => {
    expect(redactUrl(`https://admin:${P}@k.example:6443`)).toBe("https://<redacted>@k.example:6443");
    expect(redactUrl(`https://${P}@k.example/path`)).toBe("https://<redacted>@k.example/path");
    expect(redactUrl(`https://a:${P}@b@k.example`)).toBe("https://<redacted>@k.example");
    expect(redactUrl(`http://u:${encodeURIComponent(`${P}/#?`)}@proxy:3128`)).not.toContain(P);
    expect(redactUrl(`https://u:${P}/x@host`)).not.toContain(P); // not a usable URL: everything up to the last @
    expect(redactUrl(`https://k.example/?access_token=${P}&watch=1`)).toBe(
      "https://k.example/?access_token=%3Credacted%3E&watch=1",
    );
    expect(redactUrl("https://k.example:6443")).toBe("https://k.example:6443");
    expect(redactUrl("not a url @ all")).toBe("not a url @ all");
  });

  it("normalises servers for comparison, not for display", () => {
    const same = [
      "https://K.Example:443/",
      "https://k.example",
      `https://u:${P}@k.example.`,
      "https://k.example//",
    ];
    for (const s of same) expect(normaliseServer(s)).toBe("https://k.example");
    expect(normaliseServer("https://rancher/k8s/clusters/c-1")).not.toBe(
      normaliseServer("https://rancher/k8s/clusters/c-2"),
    );
    expect(normaliseServer("https://k.example:6443")).not.toBe(normaliseServer("https://k.example"));
  });
});

describe("redactText", () => {
  it("scrubs known secrets, userinfo, credential flags and header values from sentences", () => {
    const text = [
      `cannot connect to https://u:${P}@h:6443: ECONNREFUSED`,
      `plugin said --token=${P} and --client-secret "${P}" and --password ${P}`,
      `Authorization: Bearer ${P}`,
      `token ${P}x`,
    ].join("\n");
    const out = redactText(text, [`${P}x`]);
    expect(out).not.toContain(P);
    expect(out).toContain("ECONNREFUSED");
    expect(redactText("use --namespace kube-system")).toBe("use --namespace kube-system");
  });
});

describe("redactTree on a kubeconfig", () => {
  it("removes every credential field, exec secret and URL password, keeps the shape", () => {
    const kubeconfig = {
      clusters: [
        {
          name: "c",
          cluster: {
            server: `https://u:${P}@h`,
            "certificate-authority-data": P,
            "proxy-url": `http://p:${P}@x`,
          },
        },
      ],
      users: [
        { name: "t", user: { token: P, username: "admin", password: P, "client-key-data": P } },
        {
          name: "o",
          user: { "auth-provider": { name: "oidc", config: { "id-token": P, "client-id": "client-x" } } },
        },
        {
          name: "e",
          user: {
            exec: {
              command: "get-token",
              args: [`--token=${P}`, "--client-secret", P, "--region", "eu"],
              env: [
                { name: "API_KEY", value: P },
                { name: "FROM", valueFrom: { secretKeyRef: { name: "x" } } },
              ],
            },
          },
        },
      ],
    };
    const found: string[] = [];
    const out = JSON.stringify(redactTree(kubeconfig, { found }));
    expect(out).not.toContain(P);
    expect(out).toContain('"args":["--token=<redacted>","--client-secret","<redacted>","--region","eu"]');
    expect(out).toContain('"username":"admin"');
    expect(out).toContain('"name":"API_KEY","value":"<redacted>"');
    expect(out).toContain('"server":"https://<redacted>@h"');
    expect(found.filter((f) => f !== P)).toEqual(["client-x"]); // the whole auth-provider config goes
    expect(found.length).toBeGreaterThanOrEqual(7);
  });

  it("keeps booleans, redacts numbers under credential keys, and leaves name tables alone", () => {
    const out = redactTree(
      { allow_secret_values: true, password: 123456, cluster_aliases: { "secret-east": "c1" } },
      { nameTables: new Set(["cluster_aliases"]) },
    );
    expect(out).toEqual({
      allow_secret_values: true,
      password: "<redacted>",
      cluster_aliases: { "secret-east": "c1" },
    });
  });
});
