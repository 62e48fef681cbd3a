// `npm run image`: builds the OCI image archive dist/k8s-mcp-<version>-oci.tar without a container daemon, from
// the official Node binary (the npm `node` package), the glibc libraries it links, Debian's CA bundle and the
// package's files as `npm pack` lists them. Two builds of the same inputs give the same bytes and digest.
// Options: --out <dir> (default dist), --node <version>. SOURCE_DATE_EPOCH overrides the timestamp.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildLayer, writeImageArchive } from "./oci.mjs";

/** Why: the Node the image runs; 24 is the current LTS line and inside the package's engines range. */
export const IMAGE_NODE_VERSION = "24.21.0";

const ROOT = resolve(import.meta.dirname, "..");
const UID = 65532;
const USER = "k8s-mcp";
const HOME = `/home/${USER}`;
const APP = "/opt/k8s-mcp";
const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const OCI_ARCH = { x64: "amd64", arm64: "arm64" };

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: "utf8", ...opts });

// The npm `node` package installs the official build for this platform (node-linux-<arch>); cached per version.
function nodeBinary(version) {
  const cache =
    process.env.K8S_MCP_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "k8s-mcp");
  const prefix = join(cache, "image", `node-v${version}`);
  const bin = join(prefix, "node_modules", "node", "bin", "node");
  if (!existsSync(bin)) {
    process.stderr.write(`image: npm install node@${version} (first build only)\n`);
    run(
      "npm",
      [
        "install",
        "--prefix",
        prefix,
        "--no-save",
        "--no-package-lock",
        "--no-audit",
        "--no-fund",
        `node@${version}`,
      ],
      {
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
  }
  const got = run(bin, ["--version"]).trim();
  if (got !== `v${version}`) throw new Error(`${bin} is ${got}, expected v${version}`);
  const license = join(
    prefix,
    "node_modules",
    "node",
    "node_modules",
    `node-linux-${process.arch}`,
    "LICENSE",
  );
  return { bin, license };
}

// The shared libraries the binary links (glibc, libstdc++, libgcc_s) and its ELF interpreter, as the dynamic
// linker resolves them here; each file is copied to the path it is loaded from.
function sharedLibraries(bin) {
  const out = [];
  for (const line of run("ldd", [bin]).split("\n")) {
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    if (m) out.push(m[1]);
  }
  if (!out.some((p) => /ld-linux/.test(p))) throw new Error(`ldd found no ELF interpreter for ${bin}`);
  return out;
}

// Debian's copyright file of the package owning each path (dpkg -S), shipped beside the files it covers.
function debianCopyrights(paths) {
  const packages = new Set();
  for (const p of paths) {
    for (const candidate of [p, realpathSync(p)]) {
      try {
        packages.add(run("dpkg", ["-S", candidate], { stdio: ["ignore", "pipe", "ignore"] }).split(":")[0]);
        break;
      } catch {}
    }
  }
  return [...packages].sort().flatMap((pkg) => {
    const file = `/usr/share/doc/${pkg}/copyright`;
    return existsSync(file) ? [{ name: file.slice(1), mode: 0o644, data: readFileSync(file) }] : [];
  });
}

// The files `npm pack` would publish (package.json's "files"), so the image runs exactly what users install.
function packageFiles() {
  const [{ files }] = JSON.parse(
    run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT }),
  );
  return files.map((f) => f.path).sort();
}

function binPath(pkg) {
  const rel = typeof pkg.bin === "string" ? pkg.bin : pkg.bin?.["k8s-mcp"];
  if (!rel) throw new Error('package.json has no "k8s-mcp" bin');
  return rel.replace(/^\.\//, "");
}

function sourceEpoch() {
  if (process.env.SOURCE_DATE_EPOCH) return Number(process.env.SOURCE_DATE_EPOCH);
  try {
    return Number(
      run("git", ["log", "-1", "--format=%ct"], { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] }).trim(),
    );
  } catch {
    return 0;
  }
}

function baseEntries() {
  const text = (name, body, mode = 0o644) => ({ name, mode, data: Buffer.from(body) });
  return [
    text(
      "etc/passwd",
      `root:x:0:0:root:/root:/sbin/nologin\n${USER}:x:${UID}:${UID}:${USER}:${HOME}:/sbin/nologin\n`,
    ),
    text("etc/group", `root:x:0:\n${USER}:x:${UID}:\n`),
    text("etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n"),
    { name: CA_BUNDLE.slice(1), mode: 0o644, data: readFileSync(CA_BUNDLE) },
    { name: HOME.slice(1), type: "directory", mode: 0o755, uid: UID, gid: UID },
    { name: "tmp", type: "directory", mode: 0o1777 },
    { name: "root", type: "directory", mode: 0o700 },
    ...["proc", "sys", "dev"].map((name) => ({ name, type: "directory", mode: 0o755 })),
  ];
}

async function main() {
  const { values } = parseArgs({ options: { out: { type: "string" }, node: { type: "string" } } });
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const arch = OCI_ARCH[process.arch];
  if (process.platform !== "linux" || !arch)
    throw new Error(`images are built on Linux x64/arm64, not ${process.platform}/${process.arch}`);
  const bin = binPath(pkg);
  if (!existsSync(join(ROOT, bin))) throw new Error(`${bin} is missing: run npm run build first`);
  const nodeVersion = values.node ?? IMAGE_NODE_VERSION;
  const node = nodeBinary(nodeVersion);
  const libs = sharedLibraries(node.bin);
  const epoch = sourceEpoch();
  const mtime = new Date(epoch * 1000);
  const created = mtime.toISOString().replace(/\.000Z$/, "Z");

  const base = await buildLayer(
    [
      ...baseEntries(),
      ...libs.map((p) => ({ name: p.slice(1), mode: 0o755, data: readFileSync(realpathSync(p)) })),
      ...debianCopyrights([...libs, CA_BUNDLE]),
    ],
    mtime,
  );
  const runtime = await buildLayer(
    [
      { name: "usr/local/bin/node", mode: 0o755, data: readFileSync(node.bin) },
      { name: "usr/local/share/doc/node/LICENSE", mode: 0o644, data: readFileSync(node.license) },
    ],
    mtime,
  );
  // The bin's `#!/usr/bin/env node` becomes the image's node: the image has no /usr/bin/env (nor a shell).
  const app = await buildLayer(
    [
      ...packageFiles().map((f) => {
        let data = readFileSync(join(ROOT, f));
        if (f === bin)
          data = Buffer.from(data.toString("utf8").replace(/^#!.*\n/, "#!/usr/local/bin/node\n"));
        return { name: `${APP.slice(1)}/${f}`, mode: f === bin ? 0o755 : 0o644, data };
      }),
      { name: "usr/local/bin/k8s-mcp", type: "symlink", mode: 0o777, linkname: `${APP}/${bin}` },
    ],
    mtime,
  );
  const layers = [base, runtime, app];
  const labels = {
    "org.opencontainers.image.title": "k8s-mcp",
    "org.opencontainers.image.description": pkg.description,
    "org.opencontainers.image.version": pkg.version,
    "org.opencontainers.image.licenses": pkg.license,
    "io.k8s-mcp.node-version": nodeVersion,
  };
  const config = {
    created,
    architecture: arch,
    os: "linux",
    config: {
      User: `${UID}:${UID}`,
      Env: [
        "PATH=/usr/local/bin:/usr/bin:/bin",
        `HOME=${HOME}`,
        // Node trusts its own Mozilla bundle; this adds Debian's (mount another PEM here for a private CA).
        `NODE_EXTRA_CA_CERTS=${CA_BUNDLE}`,
      ],
      Entrypoint: ["/usr/local/bin/k8s-mcp"],
      WorkingDir: HOME,
      Labels: labels,
    },
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
    history: [
      {
        created,
        created_by: "scripts/image.mjs: glibc and C++ runtime libraries, CA certificates, user k8s-mcp",
      },
      { created, created_by: `scripts/image.mjs: node v${nodeVersion} (npm package node)` },
      { created, created_by: `scripts/image.mjs: k8s-mcp ${pkg.version} (npm pack files)` },
    ],
  };
  const { archive, manifestDigest } = await writeImageArchive({
    layers,
    config,
    refName: pkg.version,
    repoTag: `k8s-mcp:${pkg.version}`,
    created,
    annotations: labels,
  });
  const outDir = resolve(values.out ?? join(ROOT, "dist"));
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `k8s-mcp-${pkg.version}-oci.tar`);
  writeFileSync(file, archive);
  const mb = (n) => (n / 1e6).toFixed(1);
  const unpacked = layers.reduce((s, l) => s + l.tarSize, 0);
  process.stderr.write(
    `image: ${relative(process.cwd(), file) || file}\n` +
      `  manifest ${manifestDigest}\n  compressed ${mb(archive.length)} MB, unpacked ${mb(unpacked)} MB, node v${nodeVersion}, ${arch}\n`,
  );
  process.stdout.write(
    `${JSON.stringify({ file, digest: manifestDigest, compressedBytes: archive.length, unpackedBytes: unpacked })}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`image: ${err.message}\n`);
  process.exit(1);
});
