// `npm run bench`: runs every benchmark scenario (or those named on the command line) and prints ratios.
import type { BenchScenario } from "./types.js";

async function scenarios(): Promise<BenchScenario[]> {
  const mods = await Promise.all([
    import("./startup.js"),
    import("./pods-list.js"),
    import("./fanout.js"),
    import("./http.js"),
    import("./side-by-side.js"),
    import("./install.js"),
    import("./soak.js"),
    import("./oauth.js"),
  ]);
  return mods.map((m) => m.scenario);
}

const wanted = process.argv.slice(2);
const all = await scenarios();
const chosen = wanted.length
  ? all.filter((s) => wanted.includes(s.name))
  : all.filter((s) => !s.onlyWhenNamed);
if (chosen.length === 0) {
  process.stderr.write(
    `unknown scenario(s) ${wanted.join(", ")}; known: ${all.map((s) => s.name).join(", ")}\n`,
  );
  process.exit(2);
}
let failed = false;
for (const s of chosen) {
  process.stdout.write(`\n## ${s.name}: ${s.description}\n`);
  const started = Date.now();
  try {
    await s.run((line) => process.stdout.write(`${line}\n`));
  } catch (err) {
    failed = true;
    process.stdout.write(`FAILED: ${(err as Error).stack ?? String(err)}\n`);
  }
  process.stdout.write(`(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
process.exit(failed ? 1 : 0);
