// Node 20's bundle as two CommonJS scripts: main.cjs holds what start-up runs, lazy.cjs the modules only a first
// use needs (client-node, the HTTP transport, Rancher, yaml, ws). One script held both: V8 then instantiates every
// top-level function of 1.5 MB at each start (~14 ms more to tools/list, ~8 MB more RSS, measured).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// Modules loaded through import() (or a bundled require()) that start-up never reaches, by id (path from the project
// root). Each must exist in the graph, be imported only that way, and be a split-bundle chunk (for its export names).
const LAZY_ROOTS = [
  "src/kube/kubeconfig-loader.ts",
  "src/clusters/discovery/kubeconfig.ts",
  "src/kube/client.ts",
  "src/transports/http.ts",
  "src/rancher/index.ts",
  "src/config/redact.ts",
  "node_modules/yaml/dist/index.js",
  "node_modules/ws/wrapper.mjs",
];

const LAZY_ROOT_SET = new Set(LAZY_ROOTS);

/** Why: the esbuild options every single-file CommonJS output shares (main.cjs, lazy.cjs, the bin). */
export const CJS_SCRIPT = {
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  legalComments: "none",
};

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const LAZY_SCRIPT = resolve(ROOT, "src/boot/lazy-script.ts");
const SHARED_TABLE = "k8s-mcp:shared-modules";
const LAZY_ENTRY = "k8s-mcp:lazy-entry";
const RESOLVING = "k8s-mcp-script-bundle";
const FACADE = "k8s-mcp:facade:";

const idOf = (absPath) => relative(ROOT, absPath).split("\\").join("/");
const abs = (id) => resolve(ROOT, id);

// Resolves every import with the other plugins first, then lets `decide(id, args)` take the module over.
function takeOver(name, decide, load) {
  return {
    name,
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData !== undefined) return undefined;
        const r = await b.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: RESOLVING,
        });
        if (r.errors.length || r.external || r.namespace !== "file") return undefined;
        const ns = decide(idOf(r.path), args);
        return ns ? { path: idOf(r.path), namespace: ns } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: `${name}-esm` }, (args) => load(args.path, "esm"));
      b.onLoad({ filter: /.*/, namespace: `${name}-cjs` }, (args) => load(args.path, "cjs"));
    },
  };
}

// A generated module `specifier` exporting `name`: one require() closure per module id, sorted (resolution order
// varies between builds, and the output, whose hash names the code cache, must not). main.cjs's
// "k8s-mcp:shared-modules" (sharedModules) and lazy.cjs's entry (roots) are the two. `only` maps an ES module id
// to the export names the other script uses: its closure then requires a facade exporting just those, since
// requiring the module itself keeps every export alive (a whole namespace object), defeating tree shaking.
function moduleTable(specifier, name, ids, only = new Map()) {
  const target = (id) => (only.has(id) ? `${FACADE}${id}` : abs(id));
  const entries = [...ids]
    .sort()
    .map((id) => `  ${JSON.stringify(id)}: () => require(${JSON.stringify(target(id))}),`);
  return {
    name: `k8s-mcp-table:${specifier}`,
    setup(b) {
      const filter = new RegExp(`^${specifier}$`);
      b.onResolve({ filter }, () => ({ path: specifier, namespace: "k8s-mcp-gen" }));
      b.onLoad({ filter, namespace: "k8s-mcp-gen" }, () => ({
        contents: `export const ${name} = {\n${entries.join("\n")}\n};\n`,
        loader: "js",
        resolveDir: ROOT,
      }));
      b.onResolve({ filter: new RegExp(`^${FACADE}`) }, (args) => ({
        path: args.path,
        namespace: "k8s-mcp-gen",
      }));
      b.onLoad({ filter: new RegExp(`^${FACADE}`), namespace: "k8s-mcp-gen" }, (args) => {
        const id = args.path.slice(FACADE.length);
        const names = [...(only.get(id) ?? [])].sort().map((n) => JSON.stringify(n));
        return {
          contents: `export { ${names.join(", ")} } from ${JSON.stringify(abs(id))};\n`,
          loader: "js",
          resolveDir: ROOT,
        };
      });
    },
  };
}

// The export names an importer takes from `specifier`, read from its import/export declarations; undefined when
// it may use any (a namespace import, export *, require(), import(), or a declaration not found).
function namesImported(ts, importer, specifier, kind) {
  if (kind !== "import-statement") return undefined;
  let src;
  try {
    src = readFileSync(importer, "utf8");
  } catch {
    return undefined;
  }
  const script = /\.[cm]?tsx?$/.test(importer) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const file = ts.createSourceFile(importer, src, ts.ScriptTarget.Latest, false, script);
  const names = new Set();
  let found = false;
  for (const st of file.statements) {
    const isImport = ts.isImportDeclaration(st);
    if (!isImport && !ts.isExportDeclaration(st)) continue;
    const spec = st.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec) || spec.text !== specifier) continue;
    found = true;
    if (isImport) {
      const clause = st.importClause;
      if (!clause || clause.isTypeOnly) continue;
      if (clause.name) names.add("default");
      const bound = clause.namedBindings;
      if (bound && ts.isNamespaceImport(bound)) return undefined;
      for (const el of bound?.elements ?? [])
        if (!el.isTypeOnly) names.add((el.propertyName ?? el.name).text);
    } else {
      if (st.isTypeOnly) continue;
      const clause = st.exportClause;
      if (!clause || !ts.isNamedExports(clause)) return undefined;
      for (const el of clause.elements) if (!el.isTypeOnly) names.add((el.propertyName ?? el.name).text);
    }
  }
  return found ? names : undefined;
}

// Start-up modules: reachable from the entry without entering a lazy root. Fails the build when a lazy root is
// imported statically (it would be in both scripts) or is missing from the graph.
function startupModules(meta, entryId) {
  const inputs = meta.inputs;
  for (const id of LAZY_ROOTS)
    if (!inputs[id]) throw new Error(`script-bundle: lazy root ${id} is not in the bundle`);
  const seen = new Set();
  const todo = [entryId];
  while (todo.length) {
    const id = todo.pop();
    if (seen.has(id)) continue;
    seen.add(id);
    for (const edge of inputs[id]?.imports ?? []) {
      if (!inputs[edge.path]) continue;
      if (!LAZY_ROOT_SET.has(edge.path)) todo.push(edge.path);
      else if (edge.kind !== "dynamic-import" && edge.kind !== "require-call")
        throw new Error(`script-bundle: ${id} imports lazy root ${edge.path} statically (${edge.kind})`);
    }
  }
  return seen;
}

// Export names of each lazy ES root, from the split ES bundle (each dynamically imported module is a chunk there).
function esExports(esMeta) {
  const names = new Map();
  for (const out of Object.values(esMeta.outputs)) if (out.entryPoint) names.set(out.entryPoint, out.exports);
  return names;
}

/**
 * Why: builds dist/main.cjs and dist/lazy.cjs for Node 20 (the bin runs both with a V8 code cache) and returns
 * each one's content hash, which names its cache. `options` are the shared esbuild options (define, plugins,
 * minify...); `esMeta` is the split ES build's metafile.
 */
export async function buildNodeScripts(build, options, esMeta) {
  const entry = "src/boot/script-entry.ts";
  const base = { ...CJS_SCRIPT, ...options };
  const plugins = options.plugins ?? [];

  // 1. The whole program once, to learn its module graph.
  const whole = await build({
    ...base,
    entryPoints: [entry],
    write: false,
    metafile: true,
    plugins: [moduleTable(SHARED_TABLE, "sharedModules", []), ...plugins],
  });
  const startup = startupModules(whole.metafile, entry);

  // 2. lazy.cjs: the lazy roots; a start-up module becomes a stand-in reading main.cjs's instance.
  const shared = new Set();
  const uses = [];
  const stub = takeOver(
    "k8s-mcp-shared",
    (id, args) => {
      if (!startup.has(id) || abs(id) === LAZY_SCRIPT) return undefined;
      shared.add(id);
      uses.push({ id, importer: args.importer, path: args.path, kind: args.kind });
      return "k8s-mcp-shared-cjs";
    },
    (id) => ({
      contents: `module.exports = require(${JSON.stringify(LAZY_SCRIPT)}).sharedModule(${JSON.stringify(id)});`,
      loader: "js",
      resolveDir: ROOT,
    }),
  );
  await build({
    ...base,
    entryPoints: [LAZY_ENTRY],
    outfile: "dist/lazy.cjs",
    plugins: [stub, moduleTable(LAZY_ENTRY, "roots", LAZY_ROOTS), ...plugins],
  });

  // What lazy.cjs takes of each shared ES module, where every importer names it (else the whole namespace).
  const { default: ts } = await import("typescript");
  const only = new Map();
  const takenWhole = new Set();
  for (const u of uses) {
    const esm = whole.metafile.inputs[u.id]?.format === "esm";
    const names = esm ? namesImported(ts, u.importer, u.path, u.kind) : undefined;
    if (!names) takenWhole.add(u.id);
    else only.set(u.id, new Set([...(only.get(u.id) ?? []), ...names]));
  }
  for (const id of takenWhole) only.delete(id);

  // 3. main.cjs: start-up modules; a lazy root becomes a stand-in that loads it from lazy.cjs on first use.
  const exportsOf = esExports(esMeta);
  const standIn = takeOver(
    "k8s-mcp-lazy",
    (id, args) => {
      if (!LAZY_ROOT_SET.has(id)) return undefined;
      const esm = whole.metafile.inputs[id]?.format === "esm";
      return args.kind === "dynamic-import" && esm ? "k8s-mcp-lazy-esm" : "k8s-mcp-lazy-cjs";
    },
    (id, form) => {
      const load = `require(${JSON.stringify(LAZY_SCRIPT)}).lazyRoot(${JSON.stringify(id)})`;
      if (form === "cjs") return { contents: `module.exports = ${load};`, loader: "js", resolveDir: ROOT };
      const names = exportsOf.get(id);
      if (!names) throw new Error(`script-bundle: no split chunk for lazy root ${id}, so no export names`);
      const lines = names.map((n, i) => `const e${i} = m[${JSON.stringify(n)}];`);
      const list = names.map((n, i) =>
        n === "default" ? `e${i} as default` : `e${i} as ${JSON.stringify(n)}`,
      );
      return {
        contents: `const m = ${load};\n${lines.join("\n")}\nexport { ${list.join(", ")} };\n`,
        loader: "js",
        resolveDir: ROOT,
      };
    },
  );
  const main = await build({
    ...base,
    entryPoints: [entry],
    outfile: "dist/main.cjs",
    metafile: true,
    plugins: [standIn, moduleTable(SHARED_TABLE, "sharedModules", shared, only), ...plugins],
  });
  for (const id of shared)
    if (!main.metafile.inputs[id])
      throw new Error(`script-bundle: lazy.cjs uses ${id}, which main.cjs lacks`);
  for (const id of LAZY_ROOTS)
    if (main.metafile.inputs[id]) throw new Error(`script-bundle: lazy root ${id} ended up in main.cjs`);

  const hash = (file) => createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 16);
  return { mainId: hash("dist/main.cjs"), lazyId: hash("dist/lazy.cjs") };
}
