// Bundles the CLI with esbuild: one small entry chunk plus lazily loaded chunks, so startup stays fast.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { writeThirdPartyNotices } from "./third-party-notices.mjs";

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

// kubeconfig.ts parses synchronously and falls back to `yaml` only for YAML outside the plain subset; a bundled
// require() call is evaluated where it stands, so `yaml` loads on that first fallback, not with the module.
const lazyYamlSync = {
  name: "lazy-yaml-sync",
  setup(b) {
    b.onLoad({ filter: /clusters\/discovery\/yaml-sync\.ts$/ }, () => ({
      contents: 'export function yamlSync() { return require("yaml"); }',
      loader: "js",
      resolveDir: fileURLToPath(new URL("../src/clusters/discovery/", import.meta.url)),
    }));
  },
};

// An ES import of a Node builtin builds its namespace from every export, reading each lazy getter on the way: on
// Node 24 `import … from "node:http"` thereby loads undici (for http.WebSocket), ~23 ms and +13 MB RSS; crypto's
// getters load webcrypto, tls's the root certificates. These four are served by a CommonJS module that is the
// builtin's require() result: esbuild then reads a named import as a property where it is used, so no getter runs
// until its value is wanted. (Doing it for every builtin added chunk files and cost more startup than it saved.)
const builtinsViaRequire = {
  name: "builtins-via-require",
  setup(b) {
    b.onResolve({ filter: /^(node:)?(http|https|crypto|tls)$/ }, (args) =>
      args.kind === "import-statement"
        ? { path: args.path.replace(/^node:/, ""), namespace: "k8s-mcp-builtin" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "k8s-mcp-builtin" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});`,
      loader: "js",
    }));
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
  builtinsViaRequire,
  flatValidator,
  zodV3Shim,
  zodLocalesShim,
  lazySocksAgent,
  clientNodePure,
  whatwgUrlShim,
  lazyYamlSync,
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
  define: {
    __K8S_MCP_VERSION__: JSON.stringify(pkg.version),
    // A string literal parsed on the first tools/list: JSON.parse is cheaper than compiling an object literal.
    __K8S_MCP_TOOL_SCHEMAS__: JSON.stringify(schemas),
  },
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

// The bin: turn on V8's code cache (Node >= 22.1; Node 20 has no such API) before any bundled module is compiled,
// so later starts skip parsing and compiling; set zod's options (prelude.js, src/zod-config.ts); then run the real
// entry. NODE_DISABLE_COMPILE_CACHE=1 turns the cache off.
// Node writes the cache at exit; a host that SIGKILLs its server would never get one, so it is also flushed once
// a few seconds in (what is loaded by then: startup and usually the first call's chunks).
writeFileSync(
  "dist/cli.js",
  [
    "#!/usr/bin/env node",
    "// k8s-mcp bin: enables the V8 compile cache where Node has it, then loads the bundled entry.",
    'import nodeModule from "node:module";',
    "nodeModule.enableCompileCache?.();",
    "if (nodeModule.flushCompileCache) setTimeout(() => nodeModule.flushCompileCache(), 3000).unref();",
    "// zod settings first: schemas are built while main.js is imported.",
    'const { configureZod } = await import("./prelude.js");',
    "configureZod();",
    'await import("./main.js");',
    "",
  ].join("\n"),
  { mode: 0o755 },
);
