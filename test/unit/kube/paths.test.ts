// The path builder and its input rules: what reaches a path, and what is refused before any request.
import { describe, expect, it } from "vitest";
import type { ApiResource } from "../../../src/kube/api-resources.js";
import { buildPath } from "../../../src/kube/paths.js";
import { checkName, parseApiVersion } from "../../../src/kube/validate.js";

const cm: ApiResource = {
  group: "",
  version: "v1",
  kind: "ConfigMap",
  resource: "configmaps",
  namespaced: true,
  verbs: [],
};
const ns: ApiResource = {
  group: "",
  version: "v1",
  kind: "Namespace",
  resource: "namespaces",
  namespaced: false,
  verbs: [],
};
const role: ApiResource = {
  group: "rbac.authorization.k8s.io",
  version: "v1",
  kind: "Role",
  resource: "roles",
  namespaced: true,
  verbs: [],
};

describe("buildPath", () => {
  it("builds object and collection paths from parts", () => {
    expect(buildPath({ resource: cm, namespace: "team-a", name: "web.config" }, "object")).toBe(
      "/api/v1/namespaces/team-a/configmaps/web.config",
    );
    expect(buildPath({ resource: cm, namespace: "team-a" }, "collection")).toBe(
      "/api/v1/namespaces/team-a/configmaps",
    );
    expect(buildPath({ resource: cm }, "collection")).toBe("/api/v1/configmaps");
    expect(buildPath({ resource: ns, name: "team-a", namespace: "ignored/../x" }, "object")).toBe(
      "/api/v1/namespaces/team-a",
    );
    expect(buildPath({ resource: role, namespace: "a", name: "system:x?y" }, "object")).toBe(
      "/apis/rbac.authorization.k8s.io/v1/namespaces/a/roles/system%3Ax%3Fy",
    );
  });

  it("never lets a single-object request reach a collection, nor a collection name an object", () => {
    expect(() => buildPath({ resource: cm, namespace: "a" }, "object")).toThrow(/a name is required/);
    expect(() => buildPath({ resource: cm, name: "x" }, "object")).toThrow(/a namespace is required/);
    expect(() => buildPath({ resource: cm, namespace: "a", name: "x" }, "collection")).toThrow(
      /cannot name an object/,
    );
  });

  it.each([".", "..", "a/b", "%2e%2e", "a%2Fb", "", "a\n", "A", "a b", "x".repeat(254)])(
    "refuses the ConfigMap name %j",
    (name) => {
      expect(() => buildPath({ resource: cm, namespace: "a", name }, "object")).toThrow(
        /invalid name .*: must be/,
      );
    },
  );

  it.each([".", "..", "a/b", "%2F", "a%b", "", "a\u0000"])("refuses the generic (RBAC) name %j", (name) => {
    expect(() => buildPath({ resource: role, namespace: "a", name }, "object")).toThrow(/invalid name/);
  });

  it.each([".", "..", "a/b", "default ", "dеfault", "x".repeat(64), "Default", "a.b"])(
    "refuses the namespace %j",
    (n) => {
      expect(() => buildPath({ resource: cm, namespace: n, name: "x" }, "object")).toThrow(
        /invalid namespace/,
      );
    },
  );

  it("refuses a resource name discovery could never return", () => {
    expect(() =>
      buildPath({ resource: { ...cm, resource: "../secrets" }, namespace: "a" }, "collection"),
    ).toThrow(/invalid resource/);
  });
});

describe("parseApiVersion", () => {
  it.each([
    ["v1", "", "v1"],
    ["apps/v1", "apps", "v1"],
    ["autoscaling/v2", "autoscaling", "v2"],
    ["flowcontrol.apiserver.k8s.io/v1beta3", "flowcontrol.apiserver.k8s.io", "v1beta3"],
    ["example.com/v2alpha1", "example.com", "v2alpha1"],
  ])("accepts %s", (av, group, version) => {
    expect(parseApiVersion(av)).toEqual({ group, version });
  });

  it.each([
    "v1/",
    " v1",
    "/v1",
    "../api%2Fv1",
    "V1",
    "v0",
    "v1beta",
    "apps/v1/x",
    "Apps/v1",
    "apps/",
    "",
    "v1 ",
  ])("refuses %j", (av) => {
    expect(() => parseApiVersion(av)).toThrow(/invalid apiVersion .*GROUP a DNS-1123 subdomain/);
  });
});

describe("checkName", () => {
  it("names the field and the rule", () => {
    expect(() => checkName("metadata.name", "..", "dns-subdomain")).toThrow(
      /^invalid metadata\.name "\.\.": must be a DNS-1123 subdomain/,
    );
    expect(() => checkName("name", "x".repeat(500), "path-segment")).not.toThrow();
    expect(() => checkName("name", "y".repeat(500), "dns-label")).toThrow(/\(500 characters\)/);
  });
});
