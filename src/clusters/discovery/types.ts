// Shared data shapes of cluster discovery: plain data, no behaviour, so every module (and tests) can use them.

// One candidate kubeconfig file found in the kubeconfig directory; the stem is the cluster name.
export type DirEntry = {
  stem: string;
  path: string;
  mtimeMs: number;
  size: number;
  /** Device and inode: two names of one file (hard link, symlink) are one cluster. */
  fileId?: string;
  /** For a symlink: the name (stem) of its final target, which isolation applies to as well. */
  linkTarget?: string;
};

// A directory entry that is not a cluster though it may have been meant as one, and what to do about it.
export type SkippedFile = { file: string; reason: string; fix: string };

// A context as read from a kubeconfig: the pair of names it binds, never the credentials behind them.
export type KubeContext = { name: string; cluster: string; user: string; namespace?: string };

// A kubeconfig cluster entry reduced to what is safe to show (no CA data, no credentials).
export type KubeClusterRef = { name: string; server?: string; insecure?: boolean };

// The credential-free view of one kubeconfig file that discovery and listing need.
export type ParsedKubeconfig = {
  currentContext?: string;
  contexts: KubeContext[];
  clusters: Map<string, KubeClusterRef>;
  users: Set<string>;
};

// Something wrong with the cluster sources, reported as data (status, logs) instead of being thrown.
export type Problem = {
  kind: "malformed" | "collision" | "missing" | "filtered-default" | "skipped";
  message: string;
  file?: string;
  cluster?: string;
};

// The merged view of a classic kubeconfig list (KUBECONFIG / --kubeconfig), kubectl-style first-wins.
export type ClassicResult = {
  currentContext?: string;
  /** Each context with the file that defined it. */
  contexts: Array<KubeContext & { file: string }>;
  /** Paths that did not exist (kubectl skips them silently). */
  missing: string[];
  problems: Problem[];
};

// Where a visible cluster comes from, so a client can later be built from the right file and context.
export type ClusterSource =
  | { kind: "dir"; name: string; file: string; mtimeMs: number; linkTarget?: string }
  | { kind: "classic"; name: string; file: string; context: string }
  /** The pod's own cluster (in-cluster mode): `file` is the service-account token, re-read when it changes. */
  | { kind: "in-cluster"; name: string; file: string; caFile: string; namespaceFile: string; server: string };

// The set of visible clusters plus what went wrong building it; filtered clusters are only counted.
export type ClusterIndex = {
  clusters: Map<string, ClusterSource>;
  problems: Problem[];
  /** How many cluster names were filtered out; their names are deliberately not exposed. */
  hidden: number;
  /** Files and classic contexts the filters hide: read only to learn their API servers, never shown. */
  hiddenSources?: ClusterSource[];
};

// Outcome of turning a user-supplied name or alias into a known cluster name.
export type ResolveResult =
  | { ok: true; name: string; via: "name" | "alias" }
  | { ok: false; message: string; suggestions: string[] };
