// Prints the configuration reference table for docs/configuration.md (`npx tsx scripts/config-docs.ts`).
import { renderConfigReference } from "../src/config/docs.js";

process.stdout.write(`${renderConfigReference()}\n`);
