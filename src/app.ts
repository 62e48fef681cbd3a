// Builds the server's dependencies from a loaded configuration (the composition root, no transport).
import { homedir } from "node:os";
import { checkTeamSetup } from "./auth/settings.js";
import { detectInCluster } from "./clusters/in-cluster.js";
import { ClusterManager } from "./clusters/manager.js";
import { SessionStore } from "./clusters/sessions.js";
import { type Config, classicKubeconfigPaths, parseDuration } from "./config/index.js";
import { killExecPlugins } from "./kube/exec-credential.js";
import type { Logger } from "./log.js";
import { createAuditSink } from "./mcp/audit.js";
import type { ServerDeps } from "./mcp/deps.js";

/** Why: where the process's surroundings live; tests point them at fixtures. */
export interface HostPaths {
  /** The pod's service-account folder (token, ca.crt, namespace); default the Kubernetes mount point. */
  serviceAccountDir?: string;
}

/** Why: the CLI and the tests assemble the server the same way. */
export async function buildDeps(
  config: Config,
  logger: Logger,
  env: Record<string, string | undefined>,
  paths: HostPaths = {},
): Promise<ServerDeps> {
  checkTeamSetup(config);
  logger.addSecret(config.nsk?.rancher_token);
  logger.addSecret(config.http_token);
  const patterns = [config.cluster_pattern, config.nsk?.cluster_pattern].filter((p): p is string =>
    Boolean(p),
  );
  const clusters = new ClusterManager({
    kubeconfigDir: config.kubeconfig_dir,
    classicPaths: classicKubeconfigPaths(config, env, homedir()),
    aliases: config.cluster_aliases,
    defaultCluster: config.default_cluster,
    patterns,
    // Entries may name aliases or `<file>/<context>` addresses: the address book matches every form.
    excludes: [...config.exclude_clusters, ...(config.nsk?.exclude_clusters ?? [])],
    readOnly: config.read_only_clusters,
    autoDiscovery: config.auto_discovery,
    requestTimeoutMs: parseDuration(config.request_timeout),
    logger,
    maxKubeconfigBytes: config.max_kubeconfig_bytes,
    inCluster: detectInCluster({
      enabled: config.in_cluster,
      name: config.in_cluster_name,
      env,
      serviceAccountDir: paths.serviceAccountDir,
    }),
  });
  await clusters.load();
  for (const p of clusters.problems()) logger.warn(p.message, { kind: p.kind });
  const sessions = new SessionStore(() => clusters.initialCluster());
  const audit = createAuditSink({ file: config.audit_log, logger });
  const deps: ServerDeps = { config, clusters, sessions, logger, onCall: audit.record, audit };
  if (config.nsk) {
    const { createRancherService } = await import("./rancher/index.js");
    deps.rancher = await createRancherService({ config, clusters, logger, env });
    // Timers only (unref'd); the first refresh is deferred, so nothing touches the network before initialize.
    deps.rancher.start();
  }
  return deps;
}

/** Why: re-exported for the CLI's exit hook (plugins must not outlive the process, even on a crash). */
export { killExecPlugins };

/** Why: the one close path for everything buildDeps started (auto-refresh timer, connections). */
export function closeDeps(deps: ServerDeps): void {
  deps.rancher?.close();
  deps.audit?.close();
  deps.clusters.close();
  killExecPlugins();
}
