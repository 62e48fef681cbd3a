#!/usr/bin/env node
// Entry point: parses flags and starts the server. The only module that exits the process.
import { Command } from "commander";
import { VERSION } from "./version.js";

/** Why: the bin entry; kept tiny so `--version` and `--help` answer instantly. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command("k8s-mcp")
    .description("MCP server for a fleet of Kubernetes clusters")
    .version(VERSION, "-v, --version");
  await program.parseAsync(argv);
}

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`k8s-mcp: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
