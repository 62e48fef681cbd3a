// Which classic (kubectl-style) kubeconfig files the cluster registry should read.
import { delimiter, join } from "node:path";
import { expandHome } from "./paths.js";
import type { Config } from "./schema.js";

/**
 * Why: backward compatibility with single-kubeconfig setups, with kubectl's rules: an explicit
 * `kubeconfig` wins; else KUBECONFIG, else ~/.kube/config, but only when no kubeconfig directory is
 * configured (a directory user does not want their personal contexts mixed in).
 */
export function classicKubeconfigPaths(
  config: Pick<Config, "kubeconfig" | "kubeconfig_dir">,
  env: Readonly<Record<string, string | undefined>>,
  homedir: string,
): string[] {
  const split = (text: string): string[] =>
    text
      .split(delimiter)
      .filter((part) => part !== "")
      .map((part) => expandHome(part, homedir));
  if (config.kubeconfig !== undefined && config.kubeconfig !== "") return split(config.kubeconfig);
  if (config.kubeconfig_dir !== undefined && config.kubeconfig_dir !== "") return [];
  const fromEnv = env.KUBECONFIG;
  if (fromEnv !== undefined && split(fromEnv).length > 0) return split(fromEnv);
  return [join(homedir, ".kube", "config")];
}
