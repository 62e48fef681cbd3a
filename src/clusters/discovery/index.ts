// Public surface of cluster discovery: everything else in this folder is an implementation detail.
export { compileClusterFilter, matchesAnyGlob } from "./filter.js";
export { KubeconfigError, loadClassicKubeconfig, parseKubeconfig } from "./kubeconfig.js";
export { buildClusterIndex, splitContextAddress } from "./registry.js";
export { resolveClusterName } from "./resolve.js";
export { KUBECONFIG_EXTENSIONS, kubeconfigStem, scanKubeconfigDir } from "./scan.js";
export type {
  ClassicResult,
  ClusterIndex,
  ClusterSource,
  DirEntry,
  KubeClusterRef,
  KubeContext,
  ParsedKubeconfig,
  Problem,
  ResolveResult,
  SkippedFile,
} from "./types.js";
