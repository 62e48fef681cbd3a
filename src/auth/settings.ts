// Start-up checks of the team settings ([oauth], cluster_auth, http_token) that no single key can express.
import { readFileSync } from "node:fs";
import { type Config, ConfigError } from "../config/index.js";

/** Why: a team setting that cannot work must stop the server at start-up, not surface on the first call. */
export function checkTeamSetup(config: Config): void {
  const problems: string[] = [];
  const asCaller =
    config.cluster_auth !== "server" ||
    (config.cluster_auth_clusters?.impersonate.length ?? 0) > 0 ||
    (config.cluster_auth_clusters?.passthrough.length ?? 0) > 0;
  if (asCaller && !config.oauth)
    problems.push(
      'cluster_auth "impersonate" and "passthrough" act as the calling user, which needs [oauth] (issuer, audience)',
    );
  if (config.oauth && config.http_token !== undefined)
    problems.push(
      "http_token and [oauth] are both set: with [oauth] every caller needs an OAuth token; remove http_token",
    );
  if (config.oauth && config.port === undefined)
    problems.push("[oauth] applies to the HTTP server: set port (--port), or remove [oauth] for stdio");
  if (config.oauth?.ca_file) {
    try {
      const pem = readFileSync(config.oauth.ca_file, "utf8");
      if (!pem.includes("-----BEGIN CERTIFICATE-----"))
        problems.push(`oauth.ca_file ${config.oauth.ca_file} holds no PEM certificate`);
    } catch (err) {
      problems.push(
        `oauth.ca_file ${config.oauth.ca_file} cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
  }
  if (problems.length) throw new ConfigError(problems);
}
