// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} are MCPB manifest placeholders, substituted by the host
// `npm run mcpb`: writes dist/k8s-mcp-<version>.mcpb, an MCP Bundle for one-click installs in Claude Desktop. The
// bundle holds the files `npm pack` publishes under server/, a launcher (scripts/mcpb-launch.cjs) and a manifest
// whose user_config asks for the kubeconfig directory, read-only mode and an optional config file. The manifest is
// checked with the official validator (`mcpb validate`) and packed with `mcpb pack`.
// Options: --out <dir> (default dist).

import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";

const ROOT = resolve(import.meta.dirname, "..");
const MCPB = join(ROOT, "node_modules", "@anthropic-ai", "mcpb", "dist", "cli", "cli.js");
const mcpb = (...args) =>
  execFileSync(process.execPath, [MCPB, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

function packageFiles() {
  const [{ files }] = JSON.parse(
    execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" }),
  );
  return files.map((f) => f.path).sort();
}

// The tools as the built server lists them with no clusters configured (nsk_* appear only with [nsk]).
function listTools(bin) {
  return new Promise((resolveTools, reject) => {
    const child = spawn(
      process.execPath,
      [bin, "--kubeconfig-dir", mkdtempSync(join(tmpdir(), "mcpb-empty-"))],
      {
        stdio: ["pipe", "pipe", "ignore"],
        env: { ...process.env, KUBECONFIG: "" },
      },
    );
    let buf = "";
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error("the built server did not answer tools/list within 30 s"));
    }, 30_000);
    child.stdout.on("data", (chunk) => {
      buf += chunk;
      for (const line of buf.split("\n").slice(0, -1)) {
        const msg = JSON.parse(line);
        if (msg.id !== 2) continue;
        clearTimeout(timer);
        child.kill();
        resolveTools(
          msg.result.tools.map((t) => ({ name: t.name, description: t.description.split(". ")[0] })),
        );
      }
      buf = buf.slice(buf.lastIndexOf("\n") + 1);
    });
    const send = (m) => child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", ...m })}\n`);
    send({
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "mcpb-build", version: "1" },
      },
    });
    send({ method: "notifications/initialized" });
    send({ id: 2, method: "tools/list" });
  });
}

function manifest(pkg, tools) {
  return {
    manifest_version: "0.3",
    name: "k8s-mcp",
    display_name: "Kubernetes fleet (k8s-mcp)",
    version: pkg.version,
    description: pkg.description,
    long_description:
      "Works with every cluster in a directory of kubeconfig files (one file per cluster, as Rancher/NSK write " +
      "them): list, inspect, compare and change resources on any cluster, check the fleet's health, fan a " +
      "read across many clusters. Read-only mode, Secret redaction and an audit trail keep it safe.",
    author: { name: "k8s-mcp contributors" },
    license: pkg.license,
    keywords: ["kubernetes", "rancher", "fleet", "devops"],
    server: {
      type: "node",
      entry_point: "server/mcpb-launch.cjs",
      mcp_config: {
        command: "node",
        args: ["${__dirname}/server/mcpb-launch.cjs"],
        env: {
          K8S_MCP_MCPB_KUBECONFIG_DIR: "${user_config.kubeconfig_dir}",
          K8S_MCP_MCPB_READ_ONLY: "${user_config.read_only}",
          K8S_MCP_MCPB_CONFIG: "${user_config.config_file}",
        },
      },
    },
    tools,
    tools_generated: true,
    compatibility: {
      platforms: ["darwin", "win32", "linux"],
      runtimes: { node: pkg.engines?.node ?? ">=22" },
    },
    user_config: {
      kubeconfig_dir: {
        type: "directory",
        title: "Kubeconfig directory",
        description:
          "Folder of kubeconfig files, one cluster per file (e.g. ~/.nsk). Each file name is a cluster name.",
        required: true,
        default: "${HOME}/.nsk",
      },
      read_only: {
        type: "boolean",
        title: "Read-only mode",
        description: "Offer only tools that never change a cluster.",
        default: true,
      },
      config_file: {
        type: "file",
        title: "Configuration file (optional)",
        description: "A k8s-mcp TOML file for aliases, cluster filters, Rancher refresh and safety settings.",
        required: false,
      },
    },
  };
}

async function main() {
  const { values } = parseArgs({ options: { out: { type: "string" } } });
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const bin = typeof pkg.bin === "string" ? pkg.bin : pkg.bin["k8s-mcp"];
  const stage = mkdtempSync(join(tmpdir(), "k8s-mcp-mcpb-"));
  try {
    for (const f of packageFiles()) {
      mkdirSync(dirname(join(stage, "server", f)), { recursive: true });
      cpSync(join(ROOT, f), join(stage, "server", f));
    }
    const launcher = readFileSync(join(ROOT, "scripts", "mcpb-launch.cjs"), "utf8").replace("__BIN__", bin);
    writeFileSync(join(stage, "server", "mcpb-launch.cjs"), launcher);
    const tools = await listTools(join(ROOT, bin));
    writeFileSync(join(stage, "manifest.json"), `${JSON.stringify(manifest(pkg, tools), null, 2)}\n`);
    mcpb("validate", join(stage, "manifest.json"));
    const outDir = resolve(values.out ?? join(ROOT, "dist"));
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `k8s-mcp-${pkg.version}.mcpb`);
    rmSync(file, { force: true });
    mcpb("pack", stage, file);
    process.stderr.write(`mcpb: ${file} (${tools.length} tools, manifest valid)\n`);
    process.stdout.write(`${JSON.stringify({ file })}\n`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`mcpb: ${err.stderr ?? ""}${err.message}\n`);
  process.exit(1);
});
