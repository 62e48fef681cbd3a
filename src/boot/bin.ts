// The package's bin: chooses how the bundle is loaded so that every start after the first skips compiling it.
import nodeModule from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { debuglog } from "node:util";
import { codeCacheDir, runWithCodeCache } from "./code-cache.js";
import { provideLazyLoader } from "./lazy-script.js";

declare const __K8S_MCP_SCRIPT_ID__: string;
declare const __K8S_MCP_LAZY_ID__: string;

// Node >= 22.1's compile cache API (module.enableCompileCache, flushCompileCache), absent from Node 20 and its types.
function compileCacheApi(): { enable: () => void; flush: () => void } | undefined {
  const enable: unknown = Reflect.get(nodeModule, "enableCompileCache");
  const flush: unknown = Reflect.get(nodeModule, "flushCompileCache");
  if (typeof enable !== "function") return undefined;
  return {
    enable: () => enable.call(nodeModule),
    flush: () => (typeof flush === "function" ? flush.call(nodeModule) : undefined),
  };
}

interface Prelude {
  configureZod(): void;
}

// Node writes its compile cache at exit; a host that SIGKILLs its server would never get one, so it is also
// flushed once a few seconds in (by then: start-up and usually the first call's chunks).
const FLUSH_MS = 3000;
// lazy.cjs's cache is taken this long after its first load: it then holds the code a first call ran.
const LAZY_SAVE_MS = 2000;

// The bin is built as CommonJS (dist/cli.cjs): an ES entry would make Node 20 set up its ES loader first, and
// ES imports of builtins evaluate their every getter. The bundle's files lie beside it.
const sibling = (name: string): string => join(__dirname, name);

/**
 * Why: Node >= 22.1 caches compiled ES modules itself (module.enableCompileCache), so the split ES bundle is
 * loaded (prelude first: zod settings precede every schema). Node 20 has no such cache: there the same program,
 * bundled as CommonJS scripts (main.cjs for start-up, lazy.cjs for what a first use needs), runs with V8 code
 * caches this bin keeps; when no cache can be kept (NODE_DISABLE_COMPILE_CACHE=1, no private cache directory)
 * the ES bundle is faster and is loaded instead.
 */
async function start(): Promise<void> {
  const api = compileCacheApi();
  if (api) {
    api.enable();
    setTimeout(api.flush, FLUSH_MS).unref();
  } else {
    const debug = debuglog("k8s-mcp");
    const dir = codeCacheDir(process.env);
    if (dir) {
      // main.cjs loads lazy.cjs (client-node, HTTP, Rancher...) on first use, with its own cache.
      provideLazyLoader(() => {
        const lazy = runWithCodeCache(sibling("lazy.cjs"), { dir, id: __K8S_MCP_LAZY_ID__ }, (save) => {
          setTimeout(save, LAZY_SAVE_MS).unref();
        });
        debug("lazy.cjs code cache %s", lazy.ran ? `${lazy.outcome}: ${lazy.file}` : `off (${lazy.reason})`);
        return lazy.ran ? lazy.exports : require(sibling("lazy.cjs"));
      });
    }
    const run = dir
      ? runWithCodeCache(sibling("main.cjs"), { dir, id: __K8S_MCP_SCRIPT_ID__ })
      : { ran: false as const, reason: "NODE_DISABLE_COMPILE_CACHE=1 or no cache directory" };
    if (run.ran) {
      debug("code cache %s: %s", run.outcome, run.file);
      return;
    }
    debug("code cache off (%s): loading the ES bundle", run.reason);
  }
  const prelude: Prelude = await import(pathToFileURL(sibling("prelude.js")).href);
  prelude.configureZod();
  await import(pathToFileURL(sibling("main.js")).href);
}

start().catch((err: unknown) => {
  process.stderr.write(`k8s-mcp: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
