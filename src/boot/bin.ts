// The package's bin: turns on Node's own module compile cache, then loads the bundle (zod settings first).
import nodeModule from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

interface Prelude {
  configureZod(): void;
}

// Node writes its compile cache at exit; a host that SIGKILLs its server would never get one, so it is also
// flushed once a few seconds in (by then: start-up and usually the first call's chunks).
const FLUSH_MS = 3000;

// The bin is CommonJS (dist/cli.cjs) so that the cache is on before any ES module of the bundle is compiled.
const sibling = (name: string): string => join(__dirname, name);

/**
 * Why: every start after the first skips compiling the bundle (Node's compile cache; it honours
 * NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE). The prelude runs first: zod settings precede every schema.
 */
async function start(): Promise<void> {
  nodeModule.enableCompileCache();
  setTimeout(() => nodeModule.flushCompileCache(), FLUSH_MS).unref();
  const prelude: Prelude = await import(pathToFileURL(sibling("prelude.js")).href);
  prelude.configureZod();
  await import(pathToFileURL(sibling("main.js")).href);
}

start().catch((err: unknown) => {
  process.stderr.write(`k8s-mcp: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
