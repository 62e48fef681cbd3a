// Bundles the CLI with esbuild: the bin, the split ES bundle (Node >= 22.1) and two CommonJS scripts (Node 20).

import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { buildNodeScripts, CJS_SCRIPT } from "./script-bundle.mjs";
import { writeThirdPartyNotices } from "./third-party-notices.mjs";

const nodeRequire = createRequire(import.meta.url);

// The MCP SDK's server imports ajv only to validate elicitation answers; swap in our small validator.
const flatValidator = {
  name: "flat-schema-validator",
  setup(b) {
    b.onResolve({ filter: /validation\/ajv-provider\.js$/ }, (args) =>
      args.importer.includes("@modelcontextprotocol/sdk") && args.importer.includes("/server/")
        ? { path: fileURLToPath(new URL("../src/mcp/flat-schema-validator.ts", import.meta.url)) }
        : undefined,
    );
  },
};

// The SDK keeps zod v3 support (zod/v3 + zod-to-json-schema) for v3 schemas; every schema here is zod v4.
const zodV3Shim = {
  name: "zod-v3-shim",
  setup(b) {
    b.onResolve({ filter: /^(zod\/v3|zod-to-json-schema)$/ }, (args) =>
      args.importer.includes("@modelcontextprotocol/sdk")
        ? { path: fileURLToPath(new URL("../src/mcp/zod-v3-shim.ts", import.meta.url)) }
        : undefined,
    );
  },
};

// zod re-exports every locale (~50) from its index; only English is ever used.
const zodLocalesShim = {
  name: "zod-locales-shim",
  setup(b) {
    b.onResolve({ filter: /locales\/index\.js$/ }, (args) =>
      /node_modules\/zod\//.test(args.importer)
        ? { path: fileURLToPath(new URL("../src/mcp/zod-locales-shim.ts", import.meta.url)) }
        : undefined,
    );
  },
};

// client-node's index re-exports everything (generated API clients and models, watch, exec, cp...); its modules
// are plain declarations, so let esbuild drop every one KubeConfig does not reach.
const clientNodePure = {
  name: "client-node-pure",
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (
        args.pluginData === "client-node-pure" ||
        !/@kubernetes\/client-node/.test(args.importer + args.path)
      )
        return undefined;
      const r = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: "client-node-pure",
      });
      return r.path.includes("/node_modules/@kubernetes/client-node/")
        ? { ...r, sideEffects: false }
        : undefined;
    });
  },
};

// node-fetch (used by client-node) falls back to the whatwg-url polyfill only when Node has no URL class.
const whatwgUrlShim = {
  name: "whatwg-url-shim",
  setup(b) {
    b.onResolve({ filter: /^whatwg-url$/ }, (args) =>
      /node_modules\/node-fetch\//.test(args.importer)
        ? { path: fileURLToPath(new URL("../src/kube/whatwg-url-shim.ts", import.meta.url)) }
        : undefined,
    );
  },
};

// An ES import of a Node builtin builds its namespace from every export, reading each lazy getter on the way: on
// Node 24 `import … from "node:http"` thereby loads undici (for http.WebSocket), ~23 ms and +13 MB RSS; crypto's
// getters load webcrypto, tls's the root certificates. And a builtin imported by any start-up module is loaded at
// start-up, used or not (child_process by commander and the exec-plugin runner: ~2.5 ms on Node 20; fs/promises
// ~1.5 ms). These six
// are served by a CommonJS stand-in whose every export is a getter that require()s the builtin on first use;
// esbuild reads a named import as a property where it is used, so nothing loads until a value is wanted. (Doing
// it for every builtin added chunk files and cost more startup than it saved.) The getters are the builtin's
// exports on the Node that builds: any supported one (>= 20.19) has every name code typed for Node 20 can use.
const LAZY_BUILTINS = ["http", "https", "crypto", "tls", "child_process", "fs/promises"];
const lazyBuiltins = {
  name: "lazy-builtins",
  setup(b) {
    const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join("|").replace("/", "\\/")})$`);
    b.onResolve({ filter }, (args) =>
      args.kind === "import-statement" ||
      (args.kind === "require-call" && /node_modules\/commander\//.test(args.importer))
        ? { path: args.path.replace(/^node:/, ""), namespace: "k8s-mcp-builtin" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "k8s-mcp-builtin" }, (args) => {
      const id = JSON.stringify(`node:${args.path}`);
      const names = Object.keys(nodeRequire(`node:${args.path}`)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
      const getters = names.map((n) => `get ${n}() { return load().${n}; }`).join(",\n");
      return {
        contents: `let m;\nconst load = () => (m ??= require(${id}));\nmodule.exports = {\n${getters}\n};`,
        loader: "js",
      };
    });
  },
};

// The MCP SDK's types.js builds ~700 zod schemas at import, and the server references well under half of them.
// Every top-level `const X = <call>` there is rewritten to a pure-annotated IIFE around the same expression (same
// bindings, same order), so that esbuild drops the schemas nothing uses: ~8 ms less start-up on Node 20.
const sdkTypesPure = {
  name: "sdk-types-pure",
  setup(b) {
    b.onLoad({ filter: /@modelcontextprotocol\/sdk\/dist\/esm\/types\.js$/ }, async (args) => {
      const { default: ts } = await import("typescript");
      const src = readFileSync(args.path, "utf8");
      const file = ts.createSourceFile(args.path, src, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
      const edits = [];
      for (const st of file.statements) {
        if (!ts.isVariableStatement(st) || !(st.declarationList.flags & ts.NodeFlags.Const)) continue;
        for (const d of st.declarationList.declarations) {
          if (!d.initializer || !ts.isCallExpression(d.initializer)) continue;
          edits.push([d.initializer.getStart(file), "/* @__PURE__ */ (() => ("], [d.initializer.end, "))()"]);
        }
      }
      if (edits.length < 100) throw new Error(`sdk-types-pure: only ${edits.length} edits in ${args.path}`);
      edits.sort((x, y) => y[0] - x[0]);
      let out = src;
      for (const [at, text] of edits) out = out.slice(0, at) + text + out.slice(at);
      return { contents: out, loader: "js" };
    });
  },
};

// client-node constructs a SOCKS agent only for a socks5:// proxy-url, yet its static import of socks-proxy-agent
// runs that package's (and `socks`') module code on every cluster's first use. A stand-in class loads the real
// one when it is first constructed: a bundled require() call is evaluated where it stands.
const lazySocksAgent = {
  name: "lazy-socks-agent",
  setup(b) {
    b.onResolve({ filter: /^socks-proxy-agent$/ }, (args) =>
      /@kubernetes\/client-node\//.test(args.importer)
        ? { path: "lazy-socks-proxy-agent", namespace: "k8s-mcp-lazy" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "k8s-mcp-lazy" }, () => ({
      contents:
        'export class SocksProxyAgent { constructor(...args) { const { SocksProxyAgent: Real } = require("socks-proxy-agent"); return new Real(...args); } }',
      loader: "js",
      resolveDir: fileURLToPath(new URL("../node_modules/@kubernetes/client-node/dist/", import.meta.url)),
    }));
  },
};

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

rmSync("dist", { recursive: true, force: true });

const plugins = [
  lazyBuiltins,
  sdkTypesPure,
  flatValidator,
  zodV3Shim,
  zodLocalesShim,
  lazySocksAgent,
  clientNodePure,
  whatwgUrlShim,
];
// Bundled CommonJS (commander...) needs `require`; create it once and share it across chunks.
const banner = {
  js: 'import { createRequire as __k8sMcpCreateRequire } from "node:module";\nconst require = (globalThis.__k8sMcpRequire ??= __k8sMcpCreateRequire(import.meta.url));',
};

// tools/list snapshot: the SDK's own answer for every config variant, bundled with the same plugins as the bin
// (so the same zod and SDK code converts), run once here and embedded; the bin then converts nothing to list tools.
async function toolSchemas() {
  const dir = mkdtempSync(join(tmpdir(), "k8s-mcp-build-"));
  try {
    const outfile = join(dir, "snapshot.mjs");
    await build({
      entryPoints: ["src/mcp/tool-schemas-snapshot.ts"],
      outfile,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      banner,
      plugins,
      logLevel: "warning",
    });
    const { snapshotToolSchemas } = await import(pathToFileURL(outfile).href);
    return await snapshotToolSchemas();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const schemas = JSON.stringify(await toolSchemas());

const define = {
  __K8S_MCP_VERSION__: JSON.stringify(pkg.version),
  __K8S_MCP_TOOL_SCHEMAS__: JSON.stringify(schemas),
};
const result = await build({
  entryPoints: { main: "src/cli.ts", prelude: "src/zod-config.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  // Maps name original files and lines; the sources themselves would triple the installed size.
  sourcesContent: false,
  legalComments: "none",
  minify: process.env.K8S_MCP_NO_MINIFY !== "1",
  // The tool schemas are a string literal parsed on the first tools/list: cheaper than compiling an object literal.
  define,
  banner,
  plugins,
  logLevel: "warning",
  metafile: true,
});
if (process.env.K8S_MCP_METAFILE === "1") writeFileSync("dist/meta.json", JSON.stringify(result.metafile));
const notices = writeThirdPartyNotices(result.metafile, "dist/THIRD_PARTY_NOTICES.md", pkg.name);
if (notices.missing.length)
  console.warn(
    `third-party notices: no licence file in ${notices.missing.join(", ")} (package.json licence named)`,
  );

// The same program as CommonJS scripts for Node 20 (main.cjs, lazy.cjs): the bin runs them with a V8 code cache
// it keeps (src/boot/code-cache.ts), since Node 20 cannot cache compiled ES modules. No source maps for them: they
// would add ~0.5 MB to the tarball for a second copy of code the ES bundle's maps already cover.
const minify = process.env.K8S_MCP_NO_MINIFY !== "1";
const { mainId, lazyId } = await buildNodeScripts(
  build,
  { define, plugins, minify, logLevel: "warning" },
  result.metafile,
);

// The bin (src/boot/bin.ts): picks the ES bundle with Node's compile cache (Node >= 22.1) or main.cjs and lazy.cjs
// with its own code caches (Node 20). Only Node builtins are bundled into it; it names the bundle's files at run time.
await build({
  ...CJS_SCRIPT,
  entryPoints: ["src/boot/bin.ts"],
  outfile: "dist/cli.cjs",
  minify,
  logLevel: "warning",
  define: { __K8S_MCP_SCRIPT_ID__: JSON.stringify(mainId), __K8S_MCP_LAZY_ID__: JSON.stringify(lazyId) },
  banner: {
    js: "#!/usr/bin/env node\n// k8s-mcp bin (src/boot/bin.ts): loads the bundle so that later starts skip compiling it.",
  },
});
chmodSync("dist/cli.cjs", 0o755);
