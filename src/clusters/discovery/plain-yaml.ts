// A reader for the plain block YAML that kubectl and cluster tools write, so startup can skip the `yaml` package.
// Anything outside that subset (quotes, comments, flow style, anchors, block scalars, numbers, tabs...) makes it
// give up, and the caller parses with `yaml` as before: whatever this returns, `yaml` would have returned too.

type Node = string | boolean | null | Node[] | { [key: string]: Node };

interface Line {
  indent: number;
  text: string;
}

class Unsupported extends Error {}

const KEY = /^[A-Za-z][\w./-]*$/;
// Plain scalars that the YAML 1.2 core schema keeps as strings: no indicator first, no space, no '#'.
const STRING = /^[\w/][\w./:=+@%$()-]*$/;
// Digit-first scalars that are, or may be, numbers (ints, floats, exponents, 0o/0x): left to `yaml`.
const NUMBERISH = /^[0-9][0-9.]*([eE][-+]?[0-9]+)?$|^0[oOxX]/;
const TRUE = new Set(["true", "True", "TRUE"]);
const FALSE = new Set(["false", "False", "FALSE"]);
const NULL = new Set(["null", "Null", "NULL", "~"]);
const RESERVED_KEYS = new Set([...TRUE, ...FALSE, ...NULL]);

function scalar(text: string): Node {
  if (text === "" || NULL.has(text)) return null;
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  if (!STRING.test(text) || NUMBERISH.test(text) || text.endsWith(":")) throw new Unsupported();
  return text;
}

function splitLines(text: string): Line[] {
  const out: Line[] = [];
  for (const raw of text.split("\n")) {
    if (/[\t\r#\uFEFF]/.test(raw)) throw new Unsupported();
    const body = raw.replace(/^ +/, ""); // YAML indents with spaces only
    if (body === "") continue;
    if (body.endsWith(" ")) throw new Unsupported();
    if (body.startsWith("---") || body.startsWith("...") || body.startsWith("%")) throw new Unsupported();
    out.push({ indent: raw.length - body.length, text: body });
  }
  return out;
}

class Reader {
  private at = 0;
  constructor(private readonly lines: Line[]) {}

  done(): boolean {
    return this.at >= this.lines.length;
  }

  private peek(): Line | undefined {
    return this.lines[this.at];
  }

  /** A mapping whose keys start at column `indent`; `first` is a key line already cut from a "- " item. */
  mapping(indent: number, first?: string): { [key: string]: Node } {
    const out: { [key: string]: Node } = {};
    let pending = first;
    for (;;) {
      let text: string;
      if (pending !== undefined) {
        text = pending;
        pending = undefined;
      } else {
        const line = this.peek();
        if (!line || line.indent < indent) return out;
        if (line.indent > indent || line.text.startsWith("-")) throw new Unsupported();
        text = line.text;
        this.at++;
      }
      const colon = text.indexOf(":");
      if (colon < 1) throw new Unsupported();
      const key = text.slice(0, colon);
      const rest = text.slice(colon + 1);
      if (!KEY.test(key) || RESERVED_KEYS.has(key) || Object.hasOwn(out, key)) throw new Unsupported();
      if (rest !== "" && !rest.startsWith(" ")) throw new Unsupported();
      out[key] = rest === "" ? this.child(indent) : scalar(rest.slice(1));
    }
  }

  /** The value under "key:" with nothing after it: a deeper block, a same-column "- " list, or null. */
  private child(indent: number): Node {
    const next = this.peek();
    if (!next || next.indent < indent) return null;
    if (next.text.startsWith("-")) return this.sequence(next.indent);
    if (next.indent === indent) return null;
    return this.mapping(next.indent);
  }

  private sequence(indent: number): Node[] {
    const out: Node[] = [];
    for (;;) {
      const line = this.peek();
      if (!line || line.indent < indent) return out;
      if (line.indent > indent || !line.text.startsWith("- ")) {
        if (line.indent === indent && !line.text.startsWith("-")) return out; // the parent mapping goes on
        throw new Unsupported();
      }
      this.at++;
      const item = line.text.slice(2);
      const pad = item.length - item.trimStart().length;
      const body = item.trimStart();
      if (body.startsWith("-")) throw new Unsupported();
      if (body.includes(":")) out.push(this.mapping(indent + 2 + pad, body));
      else out.push(scalar(body));
    }
  }
}

/** Why: plain kubeconfig YAML as data without loading `yaml`; undefined when the text needs the real parser. */
export function readPlainYaml(text: string): unknown {
  try {
    const lines = splitLines(text);
    if (lines.length === 0 || lines[0]?.indent !== 0) return undefined;
    const reader = new Reader(lines);
    const doc = reader.mapping(0);
    return reader.done() ? doc : undefined;
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}
