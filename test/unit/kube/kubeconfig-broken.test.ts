// A broken kubeconfig (empty, half written, not a mapping) is named as such, never as a JavaScript error.
import { describe, expect, it } from "vitest";
import { tryReadKubeconfigDoc } from "../../../src/clusters/discovery/kubeconfig.js";
import { KubeError } from "../../../src/kube/errors.js";
import { loadClientSettings } from "../../../src/kube/kubeconfig-loader.js";

// As the KubeconfigStore hands a version on: the text, its one parse, and why it does not parse.
const load = (text: string) =>
  loadClientSettings(
    { name: "c1", file: "/k/c1.yaml", text, ...tryReadKubeconfigDoc(text, "/k/c1.yaml") },
    1000,
  );

describe("broken kubeconfig files", () => {
  it.each([
    ["empty", "", /^kubeconfig \/k\/c1\.yaml is empty \(a write or refresh cut short\?\)$/],
    [
      "only whitespace and a comment",
      "  \n# nothing yet\n",
      /is not a kubeconfig \(no clusters, contexts or users mapping\)/,
    ],
    ["a bare string", "just text\n", /has no current-context|is not a kubeconfig/],
    [
      "half written",
      'apiVersion: v1\nclusters:\n- name: x\n  cluster:\n    server: "https://10.0.0.1',
      /^kubeconfig \/k\/c1\.yaml is not valid YAML \(half written or cut short\?\): /,
    ],
  ])("%s", async (_what, text, message) => {
    const err = await load(text).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KubeError);
    expect((err as KubeError).kind).toBe("kubeconfig");
    expect((err as KubeError).message).toMatch(message);
    expect((err as KubeError).message).not.toMatch(/Cannot read properties|TypeError/);
  });
});
