// Choosing revisions from labels, fleet skew lines and computed values: the pure parts of the Helm readers.
import { describe, expect, it } from "vitest";
import { chartSkew } from "../../../src/helm/fleet.js";
import { currentRevisions, type RecordMeta, recordMeta } from "../../../src/helm/releases.js";
import { coalesceValues } from "../../../src/helm/values.js";

const meta = (release: string, revision: number, status: string, namespace = "apps"): RecordMeta => ({
  driver: "secret",
  object: `sh.helm.release.v1.${release}.v${revision}`,
  namespace,
  release,
  revision,
  status,
});

describe("recordMeta / currentRevisions", () => {
  it("reads Helm's labels and ignores objects that are not release records", () => {
    const item = (labels: Record<string, string>) => ({ metadata: { name: "x", namespace: "n", labels } });
    expect(
      recordMeta(item({ owner: "helm", name: "web", version: "2", status: "deployed" }), "secret"),
    ).toEqual({
      driver: "secret",
      object: "x",
      namespace: "n",
      release: "web",
      revision: 2,
      status: "deployed",
    });
    expect(recordMeta(item({ owner: "someone", name: "web", version: "2" }), "secret")).toBeUndefined();
    expect(recordMeta(item({ owner: "helm", name: "web", version: "two" }), "secret")).toBeUndefined();
  });

  it("picks the deployed revision, else the newest, per namespace and release", () => {
    const picked = currentRevisions([
      meta("web", 1, "superseded"),
      meta("web", 2, "deployed"),
      meta("web", 3, "failed"),
      meta("db", 1, "failed"),
      meta("db", 2, "pending-upgrade"),
      meta("web", 1, "deployed", "other"),
    ]);
    expect(picked.map((m) => `${m.namespace}/${m.release}:${m.revision}`)).toEqual([
      "apps/db:2",
      "apps/web:2",
      "other/web:1",
    ]);
  });
});

describe("chartSkew", () => {
  const leg = (cluster: string, ...charts: [string, string][]) => ({
    cluster,
    result: { releases: charts.map(([chartName, chartVersion]) => ({ chartName, chartVersion })) },
  });

  it("says which version runs where, majority first, rare versions and absences by cluster name", () => {
    const legs = [
      ...Array.from({ length: 14 }, (_, i) => leg(`c${i}`, ["web-app", "1.2.0"], ["db", "9.0.0"])),
      leg("c1-dfw1", ["web-app", "1.1.9"]),
    ];
    expect(chartSkew(legs)).toEqual([
      "db: 9.0.0 on 14 clusters, absent on c1-dfw1",
      "web-app: 1.2.0 on 14 clusters, 1.1.9 on c1-dfw1",
    ]);
  });

  it("counts the majority even when small, names up to three others, and ignores legs without releases", () => {
    const few = [
      leg("a", ["x", "1.0.0"]),
      leg("b", ["x", "1.0.0"]),
      leg("c", ["x", "0.9.0"]),
      leg("d", ["x", "0.9.1"]),
    ];
    expect(chartSkew(few)).toEqual(["x: 1.0.0 on 2 clusters, 0.9.1 on d, 0.9.0 on c"]);
    const lag = [leg("a", ["x", "2.0.0"]), leg("b", ["x", "1.0.0"]), leg("c", ["x", "1.0.0"]), leg("d")];
    expect(chartSkew(lag)).toEqual(["x: 1.0.0 on 2 clusters, 2.0.0 on a, absent on d"]);
    const behind = [leg("m", ["x", "2.0.0"]), ...["p", "q", "r"].map((c) => leg(c, ["x", "1.0.0"]))];
    expect(chartSkew([...behind, ...behind.map((l) => ({ ...l, cluster: `${l.cluster}2` }))])).toEqual([
      "x: 1.0.0 on 6 clusters, 2.0.0 on m and m2",
    ]);
    const legs = [
      ...Array.from({ length: 5 }, (_, i) => leg(`a${i}`, ["x", "1.0.0"])),
      ...Array.from({ length: 4 }, (_, i) => leg(`b${i}`, ["x", "2.0.0"])),
      { cluster: "odd", result: { something: true } },
    ];
    expect(chartSkew(legs)).toEqual(["x: 1.0.0 on 5 clusters, 2.0.0 on 4 clusters, absent on odd"]);
  });
});

describe("coalesceValues", () => {
  it("merges maps key by key, replaces everything else, and drops keys the user set to null", () => {
    const defaults = { image: { repo: "nginx", tag: "1.0" }, replicas: 1, list: [1, 2], gone: "x" };
    const user = { image: { tag: "2.0" }, list: [3], gone: null, extra: true };
    expect(coalesceValues(defaults, user)).toEqual({
      image: { repo: "nginx", tag: "2.0" },
      replicas: 1,
      list: [3],
      extra: true,
    });
  });
});
