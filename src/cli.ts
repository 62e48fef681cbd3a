#!/usr/bin/env node
// Entry point: flags -> config -> deps -> server -> transport. The only module that exits the process.
import { Command } from "commander";
import * as app from "./app.js";
import { addConfigOptions, ConfigError, controlFlags, flagOverrides, loadConfig } from "./config/index.js";
import { createLogger } from "./log.js";
import * as serverMod from "./mcp/server.js";
import * as stdioMod from "./transports/stdio.js";
import { VERSION } from "./version.js";

/** Why: the bin entry; the server's modules load with this one (one startup graph), the rarely used ones on demand. */
export async function main(argv: string[]): Promise<number> {
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
    program.parse(argv);
  } catch (err) {
    const code = (err as { exitCode?: number }).exitCode;
    return typeof code === "number" ? code : 2;
  }
  const control = controlFlags(program);
  const { config } = await loadConfig({
    configPath: control.configPath,
    env: process.env,
    flags: flagOverrides(program),
  });
  if (control.printConfig) {
    const { renderConfigToml } = await import("./config/redact.js");
    process.stderr.write(renderConfigToml(config));
    return 0;
  }
  const { buildDeps, closeDeps, checkDestinations, killExecPlugins } = app;
  process.once("exit", killExecPlugins); // plugin process groups never outlive the server, however it ends
  checkDestinations(config);
  const logger = createLogger({ level: config.log_level, file: config.log_file });
  const deps = await buildDeps(config, logger, process.env);
  try {
    if (config.port !== undefined) {
      const { runHttp } = await import("./transports/http.js");
      await runHttp(deps, logger);
    } else {
      const { createServer } = serverMod;
      const { serveStdio } = stdioMod;
      await serveStdio(() => createServer(deps), logger, config.max_request_bytes);
    }
  } finally {
    closeDeps(deps);
  }
  return 0;
}

main(process.argv).then(
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
