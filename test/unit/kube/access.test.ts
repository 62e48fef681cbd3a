// The one access decision: every verb under every policy, on the resolved resource.
import { describe, expect, it } from "vitest";
import { decide, type RequestPolicy, type Verb } from "../../../src/kube/access.js";
import type { ApiResource } from "../../../src/kube/api-resources.js";

const pods: ApiResource = {
  group: "",
  version: "v1",
  kind: "Pod",
  resource: "pods",
  namespaced: true,
  verbs: [],
  aliases: ["pod", "po"],
};
const deploy: ApiResource = {
  ...pods,
  group: "apps",
  kind: "Deployment",
  resource: "deployments",
  aliases: ["deploy"],
};
const open: RequestPolicy = {
  cluster: "c1",
  caller: "t",
  readOnly: false,
  disableDestructive: false,
  clusterReadOnly: false,
  denied: [],
};
const VERBS: Verb[] = ["get", "list", "create", "patch", "delete", "exec"];
const allowed = (p: RequestPolicy, verb: Verb, rollback = false): boolean => {
  try {
    decide(p, { resource: pods, verb, rollback });
    return true;
  } catch {
    return false;
  }
};

describe("decide", () => {
  it("allows by verb: read-only and read-only clusters only read; disable_destructive keeps create", () => {
    const table = (p: RequestPolicy) => VERBS.filter((v) => allowed(p, v));
    expect(table(open)).toEqual(VERBS);
    expect(table({ ...open, readOnly: true })).toEqual(["get", "list"]);
    expect(table({ ...open, clusterReadOnly: true })).toEqual(["get", "list"]);
    expect(table({ ...open, disableDestructive: true })).toEqual(["get", "list", "create"]);
    expect(allowed({ ...open, disableDestructive: true }, "delete", true)).toBe(true); // undoing its own create
    expect(allowed({ ...open, clusterReadOnly: true }, "delete", true)).toBe(false);
  });

  it("denies a kind by any spelling in the config, for every verb, group-aware", () => {
    for (const kind of ["Pod", "pod", "PODS", "po"]) {
      const p = { ...open, denied: [{ group: "", kind }] };
      expect(
        VERBS.filter((v) => allowed(p, v)),
        kind,
      ).toEqual([]);
    }
    expect(() =>
      decide({ ...open, denied: [{ group: "apps", kind: "Pod" }] }, { resource: pods, verb: "get" }),
    ).not.toThrow();
    expect(() =>
      decide(
        { ...open, denied: [{ group: "apps", version: "v1beta1", kind: "deploy" }] },
        { resource: deploy, verb: "get" },
      ),
    ).not.toThrow();
    expect(() =>
      decide({ ...open, denied: [{ group: "apps", kind: "deploy" }] }, { resource: deploy, verb: "get" }),
    ).toThrow(/access to Deployment\.apps is denied by this server's configuration \(denied_resources\)/);
  });

  it("names the cluster and the request in a refusal", () => {
    expect(() =>
      decide({ ...open, clusterReadOnly: true }, { resource: deploy, verb: "patch", subresource: "scale" }),
    ).toThrow(
      "t is refused on cluster 'c1': it is configured read-only (read_only_clusters) and the request would patch deployments/scale.apps",
    );
  });
});
