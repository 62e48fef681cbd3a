// Child process for the SIGKILL test: runs one forced refresh with the real service, then exits.
// Usage: node --import tsx refresh-child.ts '<config json>'
import { ConfigSchema } from "../../../src/config/index.js";
import { createLogger } from "../../../src/log.js";
import { createRancherService } from "../../../src/rancher/index.js";

async function main(): Promise<void> {
  const config = ConfigSchema.parse(JSON.parse(process.argv[2] ?? "{}"));
  const logger = createLogger({ level: "info", write: (line) => process.stderr.write(line) });
  logger.addSecret(config.nsk?.rancher_token);
  const rancher = await createRancherService({
    config,
    clusters: { rescan: async () => {}, names: () => [] },
    logger,
    env: process.env,
  });
  process.stdout.write("refresh starting\n");
  const report = await rancher.refresh({ force: true });
  process.stdout.write(`${JSON.stringify({ outcome: report.outcome })}\n`);
  rancher.close();
}

void main();
