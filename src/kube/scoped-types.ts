// The scoped client's API and the shapes it takes and returns (the implementation is scoped.ts).
import type { OpenedRecord } from "../helm/open.js";
import type { Driver } from "../helm/record.js";
import type { RequestPolicy, Verb } from "./access.js";
import type { ApiResource } from "./api-resources.js";
import type { ClusterClient, KubeRequest } from "./client.js";
import type { ExecResult } from "./exec.js";
import type { NameList } from "./list-names.js";
import type { Fingerprint } from "./sanitize.js";

type Obj = Record<string, unknown>;

/** Why: one object; `namespace` omitted means the context's namespace (namespaced kinds only). */
export interface ObjectRef {
  resource: ApiResource;
  name: string;
  namespace?: string;
}

/** Why: where a request actually went, so messages name the real target. */
export interface Located {
  kind: string;
  name: string;
  namespace?: string;
}

/** Why: list filters and paging, defined once for list tools, list pages and the query string alike. */
export interface ListParams {
  /** Omitted: every namespace (namespaced kinds). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

/** Why: a list request; selectors and tokens travel in the query string only. */
export interface ListOptions extends ListParams {
  /** Ask for a server-side Table; includeObject as the Table API defines it. */
  table?: { accept: string; includeObject: "None" | "Metadata" };
}

/** Why: the kubelet endpoints reachable through the node proxy: a closed set, never a caller's path. */
export type NodeProxyPath = "logs/" | "stats/summary";

/** Why: a metadata-only list page (PartialObjectMetadataList as JSON): labels without any data. */
export interface MetadataList {
  metadata?: { continue?: string };
  items?: {
    metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  }[];
}

/** Why: what a child process (helm) will do on the cluster, judged by the policy before it runs. */
export interface CliIntent {
  resource: ApiResource;
  namespace: string;
  verbs: readonly Verb[];
}

/** Why: everything a scope is made from; built by the MCP layer per call (or per fan-out leg). */
export interface ScopeOptions {
  policy: RequestPolicy;
  connect: (signal?: AbortSignal) => Promise<ClusterClient>;
  signal?: AbortSignal;
  timeoutMs?: number;
  allowSecretValues: boolean;
  /** Secret values become keyed fingerprints instead of plain redaction (clusters_compare). */
  fingerprint?: Fingerprint;
  /** The field manager writes carry (fieldManagerFor: names the caller); default FIELD_MANAGER. */
  fieldManager?: string;
  /** Awaited before the first write request (any verb but get/list) is sent: confirm_clusters asks or refuses. */
  beforeWrite?: (what: string) => Promise<void>;
}

/** Why: the API of the boundary, by parts: no method takes a path. */
export interface ScopedClient {
  readonly name: string;
  info(): Promise<{ server: string; defaultNamespace: string }>;
  resolve(apiVersion: string, kind: string): Promise<ApiResource>;
  get<T = Obj>(ref: ObjectRef & { subresource?: "scale" | "status" }): Promise<T>;
  list<T = Obj>(resource: ApiResource, opts?: ListOptions): Promise<T>;
  /** Names and namespaces only (a metadata-only list), with the same filters and paging as `list`. */
  listNames(resource: ApiResource, opts?: ListParams): Promise<NameList>;
  /** Server-side apply; `dryRun` has the API server validate it (admission included) and store nothing. */
  apply(manifest: Obj, opts: { force: boolean; dryRun?: boolean }): Promise<Obj>;
  create(manifest: Obj): Promise<Obj>;
  /** `resourceVersion`: delete only if the object is still at that version (a precondition). */
  delete(
    ref: ObjectRef,
    opts?: { gracePeriodSeconds?: number; undoCreate?: boolean; resourceVersion?: string },
  ): Promise<Located>;
  /** `resourceVersion`: scale only if the scale subresource is still at that version (a precondition). */
  patchScale(ref: ObjectRef, replicas: number, resourceVersion?: string): Promise<Obj>;
  logs(
    ref: ObjectRef,
    opts: { container?: string; previous?: boolean; tailLines: number; limitBytes: number },
  ): Promise<string>;
  exec(
    ref: ObjectRef,
    opts: { container?: string; command: string[]; timeoutMs: number; maxBytes: number },
  ): Promise<ExecResult>;
  serverVersion(): Promise<{ gitVersion?: string }>;
  /** Who the cluster says this identity is (a SelfSubjectReview, which any authenticated identity may create). */
  whoAmI(): Promise<{ username?: string; groups?: string[] }>;
  /** Writes of this call whose answers were lost but which a read-back found made, one sentence each. */
  notes(): string[];
  /** Labels and names only (no data): what chooses Helm revisions without reading any record. */
  listMetadata(resource: ApiResource, opts?: ListParams): Promise<MetadataList>;
  /** One Helm release record, read as a get of its Secret/ConfigMap; decoded and redacted inside the boundary. */
  readRelease(ref: ObjectRef, opts: { driver: Driver; full: boolean }): Promise<OpenedRecord>;
  /** A kubelet endpoint through the apiserver's node proxy (a get of nodes/proxy); the body as text. */
  nodeProxy(node: string, path: NodeProxyPath, query?: KubeRequest["query"]): Promise<string>;
  /** Judges what a child process would do (as every request is judged) without sending anything. */
  judge(intents: readonly CliIntent[]): void;
  /** Runs a child process against this cluster only: the policy judges `intents` first, then a temp kubeconfig. */
  withKubeconfig<T>(
    intents: readonly CliIntent[],
    fn: (kubeconfig: string, dir: string) => Promise<T>,
  ): Promise<T>;
}
