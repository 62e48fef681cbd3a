// Bundles the CLI with esbuild: the bin (CommonJS) and the split ES bundle it loads.

import { createHash } from "node:crypto";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { writeThirdPartyNotices } from "./third-party-notices.mjs";

const nodeRequire = createRequire(import.meta.url);

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

// An ES import of a Node builtin builds its namespace from every export, reading each lazy getter on the way: on
// Node 24 `import … from "node:http"` thereby loads undici (for http.WebSocket), ~23 ms and +13 MB RSS; crypto's
// getters load webcrypto, tls's the root certificates. And a builtin imported by any start-up module is loaded at
// start-up, used or not (child_process by commander and the exec-plugin runner; fs/promises
// ~1.5 ms). These six
// are served by a CommonJS stand-in whose every export is a getter that require()s the builtin on first use;
// esbuild reads a named import as a property where it is used, so nothing loads until a value is wanted. (Doing
// it for every builtin added chunk files and cost more startup than it saved.) The getters are the builtin's
// exports on the Node that builds: any supported one (>= 22.19) has every name code typed for Node 22 can use.
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

// client-node's config.js statically imports undici (~740 KB, for the fetch dispatchers it builds), socks and
// socks-proxy-agent (for a socks5:// proxy-url); this server uses only its https.Agent path (applyToHTTPSOptions),
// yet each import would run its module code on every cluster's first use. Each is served by a CommonJS stand-in
// whose exports are getters that require() the real package when a value is first read (esbuild reads a named
// import as a property where it is used): a SOCKS proxy loads socks-proxy-agent and socks, nothing loads undici.
const LAZY_CLIENT_NODE_DEPS = {
  undici: ["Agent", "ProxyAgent"],
  socks: ["SocksClient"],
  "socks-proxy-agent": ["SocksProxyAgent"],
};
const lazyClientNodeDeps = {
  name: "lazy-client-node-deps",
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(LAZY_CLIENT_NODE_DEPS).join("|")})$`);
    b.onResolve({ filter }, (args) =>
      args.kind === "import-statement" && /@kubernetes\/client-node\//.test(args.importer)
        ? { path: args.path, namespace: "k8s-mcp-lazy" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "k8s-mcp-lazy" }, (args) => {
      const id = JSON.stringify(args.path);
      const getters = LAZY_CLIENT_NODE_DEPS[args.path].map((n) => `get ${n}() { return load().${n}; }`);
      return {
        contents: `let m;\nconst load = () => (m ??= require(${id}));\nmodule.exports = {\n${getters.join(",\n")}\n};`,
        loader: "js",
        resolveDir: fileURLToPath(new URL("../node_modules/@kubernetes/client-node/dist/", import.meta.url)),
      };
    });
  },
};

// What the bundle is made of: the sources, this script and the locked dependencies (same inputs, same id).
function sourcesHash() {
  const hash = createHash("sha256");
  const files = readdirSync("src", { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
    .sort();
  for (const f of [...files, "package.json", "package-lock.json", "scripts/build.mjs"])
    hash.update(f).update("\0").update(readFileSync(f)).update("\0");
  return hash.digest("hex").slice(0, 32);
}

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

rmSync("dist", { recursive: true, force: true });

const plugins = [lazyBuiltins, zodLocalesShim, lazyClientNodeDeps, clientNodePure];
// Bundled CommonJS (commander...) needs `require`; create it once and share it across chunks.
const banner = {
  js: 'import { createRequire as __k8sMcpCreateRequire } from "node:module";\nconst require = (globalThis.__k8sMcpRequire ??= __k8sMcpCreateRequire(import.meta.url));',
};

// tools/list's JSON Schemas for every config variant, converted by the same code (and zod) as a live listing,
// bundled with the bin's plugins and run once here; the bin then builds no zod schema to list its tools.
async function toolListing() {
  const dir = mkdtempSync(join(tmpdir(), "k8s-mcp-build-"));
  try {
    const outfile = join(dir, "listing.mjs");
    await build({
      entryPoints: ["src/mcp/listing-snapshot.ts"],
      outfile,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node22",
      banner,
      plugins,
      logLevel: "warning",
    });
    const { snapshotListing } = await import(pathToFileURL(outfile).href);
    return snapshotListing();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const define = {
  __K8S_MCP_VERSION__: JSON.stringify(pkg.version),
  // Start-up answers are kept per build: a build of other sources never answers with this one's replies.
  __K8S_MCP_BUILD_ID__: JSON.stringify(sourcesHash()),
  __K8S_MCP_TOOL_LISTING__: JSON.stringify(JSON.stringify(await toolListing())),
};
const result = await build({
  entryPoints: { main: "src/cli.ts", prelude: "src/zod-config.ts", early: "src/boot/early.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  sourcemap: true,
  // Maps name original files and lines; the sources themselves would triple the installed size.
  sourcesContent: false,
  legalComments: "none",
  minify: process.env.K8S_MCP_NO_MINIFY !== "1",
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

const minify = process.env.K8S_MCP_NO_MINIFY !== "1";

// The bin (src/boot/bin.ts): turns Node's compile cache on, then imports the ES bundle. Only Node builtins are
// bundled into it; it names the bundle's files at run time.
await build({
  entryPoints: ["src/boot/bin.ts"],
  outfile: "dist/cli.cjs",
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node22",
  legalComments: "none",
  minify,
  logLevel: "warning",
  banner: {
    js: "#!/usr/bin/env node\n// k8s-mcp bin (src/boot/bin.ts): loads the bundle so that later starts skip compiling it.",
  },
});
chmodSync("dist/cli.cjs", 0o755);
