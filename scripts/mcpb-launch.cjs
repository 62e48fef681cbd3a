// The MCP Bundle's entry point: turns the user_config values Claude Desktop substitutes into the manifest's env
// into the server's flags, then runs the server in this process. An optional value the user left empty arrives as
// "" or as the literal "${user_config.…}" placeholder (MCPB hosts keep unset placeholders): both mean "not set".
"use strict";
const { join } = require("node:path");

const value = (name) => {
  const v = (process.env[name] ?? "").trim();
  return v === "" || v.startsWith("${") ? undefined : v;
};
const flags = [];
const dir = value("K8S_MCP_MCPB_KUBECONFIG_DIR");
if (dir) flags.push("--kubeconfig-dir", dir);
const config = value("K8S_MCP_MCPB_CONFIG");
if (config) flags.push("--config", config);
if (value("K8S_MCP_MCPB_READ_ONLY") === "true") flags.push("--read-only");
for (const name of Object.keys(process.env)) if (name.startsWith("K8S_MCP_MCPB_")) delete process.env[name];
process.argv.splice(2, 0, ...flags);
require(join(__dirname, "__BIN__"));
