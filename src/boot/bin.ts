// The package's bin: turns on Node's own module compile cache, answers the opening requests when it can (start
// memo and start-up answers), then loads the bundle (zod settings first).
import nodeModule from "node:module";
import { homedir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { EarlyStart, Invocation } from "./early.js";

interface Prelude {
  configureZod(): void;
}
interface Early {
  startEarly(inv: Invocation): EarlyStart | undefined;
  openingDone(start: EarlyStart): Promise<boolean>;
}
interface Main {
  runCli(inv: Invocation, early?: EarlyStart): void;
}

// Node writes its compile cache at exit; a host that SIGKILLs its server would never get one, so it is also
// flushed once a few seconds in (by then: start-up and usually the first call's chunks).
const FLUSH_MS = 3000;

// The bin is CommonJS (dist/cli.cjs) so that the cache is on before any ES module of the bundle is compiled.
const load = <T>(name: string): Promise<T> => import(pathToFileURL(join(__dirname, name)).href) as Promise<T>;

/**
 * Why: every start after the first skips compiling the bundle (Node's compile cache; it honours
 * NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE), and a stdio start identical to an earlier one answers
 * initialize and tools/list before anything else loads. The prelude runs before the bundle: zod settings precede
 * every schema.
 */
async function start(): Promise<void> {
  nodeModule.enableCompileCache();
  setTimeout(() => nodeModule.flushCompileCache(), FLUSH_MS).unref();
  const inv: Invocation = { argv: process.argv, env: process.env, home: homedir(), cwd: process.cwd() };
  const early = await load<Early>("early.js");
  const started = early.startEarly(inv);
  if (started && !(await early.openingDone(started))) process.exit(0);
  const prelude = await load<Prelude>("prelude.js");
  prelude.configureZod();
  const main = await load<Main>("main.js");
  main.runCli(inv, started);
}

start().catch((err: unknown) => {
  process.stderr.write(`k8s-mcp: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
