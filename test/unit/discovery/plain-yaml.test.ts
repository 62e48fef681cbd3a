import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readPlainYaml } from "../../../src/clusters/discovery/plain-yaml.js";
import { kubeconfigYaml } from "./helpers.js";

// Differential: whatever the fast reader accepts, it must read exactly as `yaml` does.
const SUPPORTED: Record<string, string> = {
  "kubectl style (compact lists)":
    "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: LS0tLS1CRUdJTg==\n    server: https://10.0.0.1:6443\n  name: c1\ncontexts:\n- context:\n    cluster: c1\n    namespace: apps\n    user: u\n  name: c1\ncurrent-context: c1\npreferences: {}\nusers:\n- name: u\n  user:\n    token: 0123abcdef\n".replace(
      "preferences: {}\n",
      "preferences:\n",
    ),
  "indented lists, scalar items, booleans, nulls":
    "a:\n  - x\n  - /etc/k.pem\n  -   name: n\n      insecure-skip-tls-verify: true\nb: False\nc: ~\nd:\ne: NULL\nf: 12ab\ng: a=b:c@d%e\n",
  "nested mappings and blank lines": "top:\n\n  mid:\n    leaf: v1\n  other: v2\nlast: x\n",
};

const UNSUPPORTED: Record<string, string> = {
  "double quotes": 'a: "x"\n',
  "single quotes": "a: 'x'\n",
  comment: "a: x # note\n",
  "full-line comment": "# c\na: x\n",
  "flow mapping": "a: {}\n",
  "flow sequence": "a: [x]\n",
  anchor: "a: &x y\nb: *x\n",
  "block scalar": "a: |\n  text\n",
  integer: "a: 42\n",
  float: "a: 1.5\n",
  exponent: "a: 1e3\n",
  hex: "a: 0x1f\n",
  "document marker": "---\na: x\n",
  tab: "a:\n\tb: x\n",
  "duplicate key": "a: x\na: y\n",
  "value with a space": "a: x y\n",
  "value ending in a colon": "a: x:\n",
  "top-level list": "- a\n",
  "bad indentation": "a:\n    b: x\n  c: y\n",
  "CRLF line ends": "a: x\r\nb: y\r\n",
  "non-ASCII value": "a: caf\u00e9\n",
};

describe("readPlainYaml", () => {
  for (const [name, text] of Object.entries(SUPPORTED)) {
    it(`reads ${name} exactly as yaml does`, () => {
      const fast = readPlainYaml(text);
      expect(fast).toBeDefined();
      expect(fast).toEqual(parse(text));
    });
  }

  it("reads the test helper's kubeconfigs exactly as yaml does", () => {
    const text = kubeconfigYaml({
      current: "c1",
      contexts: [{ name: "c1", namespace: "apps" }, { name: "c2" }],
    });
    const fast = readPlainYaml(text);
    expect(fast).toBeDefined();
    expect(fast).toEqual(parse(text));
  });

  it("reads the test harness's kubeconfig layout (indented lists, hex token) exactly as yaml does", () => {
    const text =
      "apiVersion: v1\nkind: Config\nclusters:\n  - name: c1-sv5\n    cluster:\n      server: https://127.0.0.1:36953\n      certificate-authority-data: LS0tLS1CRUdJTiBDRVJU\nusers:\n  - name: c1-sv5-admin\n    user:\n      token: 7d4caebe07dfcc29ab6f\ncontexts:\n  - name: c1-sv5\n    context:\n      cluster: c1-sv5\n      user: c1-sv5-admin\ncurrent-context: c1-sv5\n";
    const fast = readPlainYaml(text);
    expect(fast).toBeDefined();
    expect(fast).toEqual(parse(text));
  });

  for (const [name, text] of Object.entries(UNSUPPORTED)) {
    it(`leaves ${name} to yaml`, () => {
      expect(readPlainYaml(text)).toBeUndefined();
    });
  }
});
