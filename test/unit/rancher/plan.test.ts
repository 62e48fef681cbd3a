// Refresh planning: targets, fresh skips, force, discovery, vanished clusters.
import { describe, expect, it } from "vitest";
import type { LocalFile } from "../../../src/rancher/local.js";
import { planRefresh } from "../../../src/rancher/plan.js";

const HOUR = 3_600_000;
const NOW = 100 * HOUR;
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`;

function local(entries: Array<[string, number, string?]>): Map<string, LocalFile> {
  return new Map(
    entries.map(([name, ageMs, content]) => [
      name,
      { name, path: `/d/${name}.yaml`, mtimeMs: NOW - ageMs, content: content ?? KUBECONFIG },
    ]),
  );
}

const remote = ["a", "b", "c", "d"].map((name) => ({ name, id: `c-${name}` }));
const base = { remote, filter: () => true, now: NOW, intervalMs: HOUR, force: false };

describe("planRefresh", () => {
  it("skips fresh valid files, fetches missing, stale and broken ones, reports vanished ones", () => {
    const plan = planRefresh({
      ...base,
      mode: "refresh",
      local: local([
        ["a", 60_000],
        ["b", 2 * HOUR],
        ["c", 60_000, "not: [a kubeconfig"],
        ["gone", 60_000],
      ]),
    });
    expect(plan.fresh).toEqual(["a"]);
    expect(plan.targets === "all" ? [] : plan.targets.map((t) => t.name)).toEqual(["b", "c", "d"]);
    expect(plan.vanished).toEqual(["gone"]);
    expect(plan.remoteCount).toBe(4);
  });

  it("force regenerates everything that passes the filter", () => {
    const plan = planRefresh({
      ...base,
      mode: "refresh",
      force: true,
      filter: (n) => n !== "d",
      local: local([["a", 1]]),
    });
    expect(plan.fresh).toEqual([]);
    expect(plan.targets === "all" ? [] : plan.targets.map((t) => t.name)).toEqual(["a", "b", "c"]);
  });

  it("discovery fetches only what is missing and matches the pattern", () => {
    const plan = planRefresh({
      ...base,
      mode: "discover",
      select: (n) => n !== "c",
      local: local([["a", 10 * HOUR]]),
    });
    expect(plan.present).toEqual(["a"]);
    expect(plan.targets === "all" ? [] : plan.targets.map((t) => t.name)).toEqual(["b", "d"]);
  });

  it("a filtered cluster that still exists in Rancher is not vanished", () => {
    const plan = planRefresh({
      ...base,
      mode: "refresh",
      filter: (n) => n !== "a",
      local: local([["a", 1]]),
    });
    expect(plan.vanished).toEqual([]);
  });

  it("fetches everything when the cluster list is unknown", () => {
    const plan = planRefresh({ ...base, remote: undefined, mode: "refresh", local: local([["a", 1]]) });
    expect(plan.targets).toBe("all");
    expect(plan.vanished).toEqual([]);
  });

  it("regenerates a fresh file whose credentials expire within refresh_before_expiry", () => {
    const plan = planRefresh({
      ...base,
      mode: "refresh",
      local: local([
        ["a", 60_000],
        ["b", 60_000],
      ]),
      renew: new Set(["b"]),
    });
    expect(plan.fresh).toEqual(["a"]);
    expect(plan.renewed).toEqual(["b"]);
    expect(plan.targets === "all" ? [] : plan.targets.map((t) => t.name)).toEqual(["b", "c", "d"]);
  });
});
