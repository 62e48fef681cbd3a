import { delimiter, join } from "node:path";
import { describe, expect, it } from "vitest";
import { classicKubeconfigPaths } from "../../../src/config/kubeconfig-paths.js";

const HOME = "/home/u";

describe("classicKubeconfigPaths", () => {
  it("uses an explicit kubeconfig, split like KUBECONFIG", () => {
    const kubeconfig = ["/a.yaml", "", "~/b.yaml"].join(delimiter);
    expect(classicKubeconfigPaths({ kubeconfig }, { KUBECONFIG: "/env" }, HOME)).toEqual([
      "/a.yaml",
      join(HOME, "b.yaml"),
    ]);
  });

  it("an explicit kubeconfig is used even with a directory", () => {
    expect(classicKubeconfigPaths({ kubeconfig: "/a", kubeconfig_dir: "/d" }, {}, HOME)).toEqual(["/a"]);
  });

  it("falls back to KUBECONFIG, skipping empty entries", () => {
    const env = { KUBECONFIG: ["/x", "", "/y"].join(delimiter) };
    expect(classicKubeconfigPaths({}, env, HOME)).toEqual(["/x", "/y"]);
  });

  it("falls back to ~/.kube/config when KUBECONFIG is unset or empty", () => {
    expect(classicKubeconfigPaths({}, {}, HOME)).toEqual([join(HOME, ".kube", "config")]);
    expect(classicKubeconfigPaths({}, { KUBECONFIG: "" }, HOME)).toEqual([join(HOME, ".kube", "config")]);
  });

  it("reads no classic kubeconfig when a directory is configured", () => {
    expect(classicKubeconfigPaths({ kubeconfig_dir: "/d" }, { KUBECONFIG: "/x" }, HOME)).toEqual([]);
  });
});
