// Public surface of the Rancher/NSK integration: the factory and the types the tools use.
import type { Config } from "../config/index.js";
import type { Logger } from "../log.js";
import { ApiDriver } from "./api-driver.js";
import { NskDriver } from "./nsk-driver.js";
import { makeScrubber } from "./scrub.js";
import { type ClusterRegistry, RancherService } from "./service.js";
import { resolveRancherSettings } from "./settings.js";
import { loadState, type RefreshState } from "./state.js";
import type { RefreshDriver } from "./types.js";

export { RancherError } from "./errors.js";
export { formatReport, formatStatus } from "./report.js";
export type { RefreshReport } from "./run.js";
export type { RancherService } from "./service.js";
export type { RancherStatus } from "./status.js";

/** Why: what buildDeps hands over; env is needed to find the nsk binary on PATH. */
export interface RancherServiceInput {
  config: Config;
  clusters: ClusterRegistry;
  logger: Logger;
  env: Record<string, string | undefined>;
}

/** Why: the composition root builds the service here; reads only the local state file (no network). */
export async function createRancherService(input: RancherServiceInput): Promise<RancherService> {
  const settings = resolveRancherSettings(input.config, input.env);
  const scrub = makeScrubber(settings.token, input.logger.scrub);
  const driver: RefreshDriver =
    settings.driver === "nsk"
      ? new NskDriver(settings, input.logger, scrub)
      : new ApiDriver(settings, input.logger, scrub);
  const state: RefreshState = settings.dir ? await loadState(settings.dir) : { version: 1 };
  input.logger.debug("rancher integration configured", { driver: settings.driver, dir: settings.dir });
  return new RancherService({
    settings,
    driver,
    clusters: input.clusters,
    logger: input.logger,
    scrub,
    state,
  });
}
