// The `yaml` package for the synchronous kubeconfig parser's fallback. The bundle swaps this module for one that
// requires `yaml` on the first call (scripts/build.mjs), so a start whose kubeconfigs are plain never loads it.
import * as Yaml from "yaml";

/** Why: one seam where the build makes `yaml` lazy without making parseKubeconfig async. */
export function yamlSync(): typeof Yaml {
  return Yaml;
}
