// stdio transport: JSON-RPC on stdin/stdout; ends cleanly on stdin close, SIGINT or SIGTERM.
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Logger } from "../log.js";

/** Why: resolves when the session is over, so the CLI can close clients and exit 0. */
export async function serveStdio(server: McpServer, logger: Logger): Promise<void> {
  const transport = new StdioServerTransport();
  const done = new Promise<void>((resolve) => {
    const stop = (why: string): void => {
      logger.info("shutting down", { reason: why });
      resolve();
    };
    process.stdin.once("end", () => stop("stdin closed"));
    process.stdin.once("close", () => stop("stdin closed"));
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
    transport.onclose = () => stop("transport closed");
  });
  await server.connect(transport);
  logger.info("serving MCP on stdio");
  await done;
  await server.close().catch(() => {});
}
