// The package version, injected at build time (esbuild/vitest `define`).
declare const __K8S_MCP_VERSION__: string;

/** Why: one place that knows the version, for --version, serverInfo and User-Agent. */
export const VERSION: string = typeof __K8S_MCP_VERSION__ === "string" ? __K8S_MCP_VERSION__ : "0.0.0-dev";

declare const __K8S_MCP_BUILD_ID__: string;

/** Why: tells one build from another (start-up answers are kept per build); undefined when the source runs as is. */
export const BUILD_ID: string | undefined =
  typeof __K8S_MCP_BUILD_ID__ === "string" ? __K8S_MCP_BUILD_ID__ : undefined;
