// Node 20's single-script bundle is two scripts: main.cjs (what start-up runs) and lazy.cjs (client-node, the HTTP
// transport, Rancher, yaml, ws: code start-up never runs), loaded on first use. A module both use exists once, in
// main.cjs; lazy.cjs reaches it through the table main.cjs provides here. Built by scripts/script-bundle.mjs.
import { join } from "node:path";

const SHARED = Symbol.for("k8s-mcp.shared-modules");
const LOADER = Symbol.for("k8s-mcp.lazy-script");

/** Why: a module by its id (path from the project root), evaluated on first request. */
export type ModuleTable = Readonly<Record<string, () => unknown>>;

interface LazyScript {
  roots: ModuleTable;
}

interface Slots {
  [SHARED]?: ModuleTable;
  [LOADER]?: () => unknown;
}

const slots = (): Slots => globalThis as Slots;
let script: LazyScript | undefined;

/** Why: main.cjs hands lazy.cjs its start-up modules, so that classes, settings and state exist once. */
export function provideShared(table: ModuleTable): void {
  slots()[SHARED] = table;
}

/** Why: lazy.cjs's stand-in for a module of main.cjs. */
export function sharedModule(id: string): unknown {
  const get = slots()[SHARED]?.[id];
  if (!get) throw new Error(`k8s-mcp: lazy.cjs needs ${id}, which main.cjs does not provide (mixed builds?)`);
  return get();
}

/** Why: the bin loads lazy.cjs with its own code cache; the bundle and the bin meet on a registry symbol. */
export function provideLazyLoader(load: () => unknown): void {
  slots()[LOADER] = load;
}

/**
 * Why: main.cjs's stand-in for a module that lives in lazy.cjs. Without the bin (`node dist/main.cjs`), lazy.cjs
 * is required from beside main.cjs (`require` and `__dirname` are main.cjs's own there).
 */
export function lazyRoot(id: string): unknown {
  script ??= (slots()[LOADER]?.() ?? require(join(__dirname, "lazy.cjs"))) as LazyScript;
  const get = script.roots[id];
  if (!get) throw new Error(`k8s-mcp: lazy.cjs has no module ${id} (mixed builds?)`);
  return get();
}
