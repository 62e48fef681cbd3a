// Bundles the CLI with esbuild: one small entry chunk plus lazily loaded chunks, so startup stays fast.
import { build } from "esbuild";
import { readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

await build({
  entryPoints: { cli: "src/cli.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  legalComments: "none",
  // client-node is CommonJS with many transitive requires: load it from node_modules, lazily.
  external: ["@kubernetes/client-node"],
  define: { __K8S_MCP_VERSION__: JSON.stringify(pkg.version) },
  banner: { js: "import { createRequire as __k8sMcpCreateRequire } from 'node:module';\nconst require = __k8sMcpCreateRequire(import.meta.url);" },
  logLevel: "warning",
});
