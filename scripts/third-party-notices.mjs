// Writes the licence texts of every npm package the bundle contains (from esbuild's metafile) into one notices file.

import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const LICENSE_FILE = /^(licen[cs]e|copying|notice)(\.(md|txt|markdown))?$/i;

/** The package.json directory that owns a bundled file (the nearest one with a name, not a nested stub). */
function packageRoot(file) {
  for (let dir = dirname(file); dir.includes("node_modules"); dir = dirname(dir)) {
    const pj = join(dir, "package.json");
    if (existsSync(pj) && JSON.parse(readFileSync(pj, "utf8")).name) return dir;
  }
  return undefined;
}

function licenseTexts(dir) {
  return readdirSync(dir)
    .filter((f) => LICENSE_FILE.test(f))
    .sort()
    .map((f) => readFileSync(join(dir, f), "utf8").trim());
}

/**
 * Why: the bundle drops licence comments (legalComments: "none"); the package ships the texts here instead.
 * Only inputs that contributed bytes to an output count, so tree-shaken-away packages are not listed.
 */
export function writeThirdPartyNotices(metafile, outFile, ownName) {
  const roots = new Set();
  for (const out of Object.values(metafile.outputs)) {
    for (const [input, info] of Object.entries(out.inputs)) {
      if (info.bytesInOutput === 0 || !input.includes("node_modules/")) continue;
      const root = packageRoot(resolve(input));
      if (root) roots.add(root);
    }
  }
  const pkgs = [...roots]
    .map((dir) => {
      const pj = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      const license = typeof pj.license === "string" ? pj.license : (pj.license?.type ?? "see text");
      return { name: pj.name, version: pj.version, license, texts: licenseTexts(dir) };
    })
    .filter((p) => p.name !== ownName)
    .sort((a, b) => a.name.localeCompare(b.name));
  const missing = pkgs.filter((p) => p.texts.length === 0).map((p) => p.name);
  const parts = [
    "# Third-party notices",
    "",
    `${ownName}'s dist/ bundles the following npm packages. Their licence texts follow, as shipped by each package.`,
    "",
    ...pkgs.map((p) => `- ${p.name}@${p.version} (${p.license})`),
    "",
    ...pkgs.flatMap((p) => [
      `## ${p.name}@${p.version} (${p.license})`,
      "",
      ...(p.texts.length
        ? p.texts.flatMap((t) => ["```text", t, "```", ""])
        : [`(This package ships no licence file; its package.json declares ${p.license}.)`, ""]),
    ]),
  ];
  writeFileSync(outFile, parts.join("\n"));
  return { count: pkgs.length, missing };
}
