// Entry point (called by the bin, src/boot/bin.ts): flags -> config -> deps -> server -> transport. The only module
// that exits the process.
import { Command } from "commander";
import { type EarlyStart, type Invocation, openStdio } from "./boot/early.js";
import {
  addConfigOptions,
  ConfigError,
  checkDestinations,
  controlFlags,
  flagOverrides,
  loadConfig,
} from "./config/index.js";
import { createLogger } from "./log.js";
import type { EarlyStdin } from "./transports/stdio-open.js";
import { VERSION } from "./version.js";

/**
 * Why: the bin's entry. It loads only flags, configuration and logging; stdin is read (and start-up requests are
 * answered, see startup-answers.ts) while the server's modules and the MCP SDK load behind it. `early`: the bin
 * already opened stdin from the start memo (boot/early.ts), before this module loaded.
 */
export async function main(inv: Invocation, early?: EarlyStart): Promise<number> {
  const program = addConfigOptions(
    new Command("k8s-mcp")
      .description(
        "MCP server for a fleet of Kubernetes clusters (stdio by default, Streamable HTTP with --port)",
      )
      .version(VERSION, "-v, --version"),
  );
  // --help and --version answer before any MCP traffic, so they may use stdout (`k8s-mcp --help | less`).
  program.configureOutput({
    writeOut: (s) => process.stdout.write(s),
    writeErr: (s) => process.stderr.write(s),
  });
  program.exitOverride();
  try {
    program.parse(inv.argv as string[]);
  } catch (err) {
    const code = (err as { exitCode?: number }).exitCode;
    return typeof code === "number" ? code : 2;
  }
  const control = controlFlags(program);
  const loaded = await loadConfig({
    configPath: control.configPath,
    env: inv.env as Record<string, string | undefined>,
    flags: flagOverrides(program),
    homedir: inv.home,
  });
  const { config } = loaded;
  if (control.printConfig) {
    const { renderConfigToml } = await import("./config/redact.js");
    process.stderr.write(renderConfigToml(config));
    return 0;
  }
  checkDestinations(config);
  const logger = createLogger({ level: config.log_level, file: config.log_file });
  let stdin: EarlyStdin | undefined;
  if (config.port === undefined) {
    stdin = openStdio(inv, loaded, logger, early);
    // A signal before anything needed the SDK (the opening requests answered early): nothing to close.
    const signal = await Promise.race([stdin.frames.needed.then(() => undefined), stdin.stopped]);
    if (signal !== undefined) {
      logger.info("shutting down", { reason: signal });
      return 0;
    }
  } else early?.stdin.frames.stop();
  const { buildDeps, closeDeps, killExecPlugins } = await import("./app.js");
  process.once("exit", killExecPlugins); // plugin process groups never outlive the server, however it ends
  const deps = await buildDeps(config, logger, process.env);
  try {
    if (stdin === undefined) {
      const { runHttp } = await import("./transports/http.js");
      await runHttp(deps, logger);
    } else {
      const [{ createServer }, { serveStdio }] = await Promise.all([
        import("./mcp/server.js"),
        import("./transports/stdio.js"),
      ]);
      await serveStdio(() => createServer(deps), logger, stdin);
    }
  } finally {
    closeDeps(deps);
  }
  return 0;
}

/** Why: the bin's call (after the early start, if any): runs the server and exits with its code. */
export function runCli(inv: Invocation, early?: EarlyStart): void {
  main(inv, early).then(
    (code) => process.exit(code),
    (err: unknown) => {
      const msg =
        err instanceof ConfigError
          ? `configuration error:\n${err.message}`
          : err instanceof Error
            ? err.message
            : String(err);
      process.stderr.write(`k8s-mcp: ${msg}\n`);
      process.exit(err instanceof ConfigError ? 2 : 1);
    },
  );
}
