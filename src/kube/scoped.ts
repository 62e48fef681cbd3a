// The scoped client: one resolved cluster, one call's policy; the only way tools reach the Kubernetes API.
import { ToolError } from "../errors.js";
import { decide, isWriteVerb, type RequestPolicy, type Verb } from "./access.js";
import { type ApiResource, resolveResource } from "./api-resources.js";
import type { ClusterClient, KubeRequest, KubeResponse } from "./client.js";
import { fromResponse } from "./errors.js";
import { type ExecResult, execInPod } from "./exec.js";
import {
  decodeNameListJson,
  decodeNameListProtobuf,
  METADATA_LIST_ACCEPT,
  type NameList,
} from "./list-names.js";
import { applyConflict, FIELD_MANAGER, manifestTarget } from "./objects.js";
import { buildPath, type PathShape, type Target } from "./paths.js";
import { type Fingerprint, sanitizeObject } from "./sanitize.js";
import { checkName, type Subresource } from "./validate.js";

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

/** Why: list filters and paging; selectors and tokens travel in the query string only. */
export interface ListOptions {
  /** Omitted: every namespace (namespaced kinds). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  /** Ask for a server-side Table; includeObject as the Table API defines it. */
  table?: { accept: string; includeObject: "None" | "Metadata" };
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
  listNames(resource: ApiResource, opts?: Omit<ListOptions, "table">): Promise<NameList>;
  apply(manifest: Obj, opts: { force: boolean }): Promise<Obj>;
  create(manifest: Obj): Promise<Obj>;
  delete(ref: ObjectRef, opts?: { gracePeriodSeconds?: number; undoCreate?: boolean }): Promise<Located>;
  patchScale(ref: ObjectRef, replicas: number): Promise<Obj>;
  logs(
    ref: ObjectRef,
    opts: { container?: string; previous?: boolean; tailLines: number; limitBytes: number },
  ): Promise<string>;
  exec(
    ref: ObjectRef,
    opts: { container?: string; command: string[]; timeoutMs: number; maxBytes: number },
  ): Promise<ExecResult>;
  serverVersion(): Promise<{ gitVersion?: string }>;
}

interface Op {
  verb: Verb;
  target: Target;
  method: NonNullable<KubeRequest["method"]>;
  query?: KubeRequest["query"];
  body?: unknown;
  contentType?: string;
  accept?: string;
  allowErrorStatus?: boolean;
  undoCreate?: boolean;
  binary?: boolean;
}

// Which path each verb may reach: a single-object verb never gets a collection path, whatever the caller passes.
const SHAPE: Record<Verb, PathShape> = {
  get: "object",
  patch: "object",
  delete: "object",
  exec: "object",
  list: "collection",
  create: "collection",
};

/** Why: makes the boundary for one call; nothing is connected until the first request. */
export function createScopedClient(o: ScopeOptions): ScopedClient {
  let conn: Promise<ClusterClient> | undefined;
  const client = (): Promise<ClusterClient> => {
    if (!conn) {
      const pending = o.connect(o.signal);
      pending.catch(() => {
        if (conn === pending) conn = undefined; // a failed connect (bad kubeconfig, timeout) is retried next time
      });
      conn = pending;
    }
    return conn;
  };
  const created = new Map<string, string>(); // object path -> uid, for undoing this call's own creates
  const clean = <T>(v: T): T => sanitizeObject(v, o.allowSecretValues, o.fingerprint);

  const namespaced = async (r: ApiResource, ns: string | undefined): Promise<string | undefined> =>
    r.namespaced ? (ns ?? (await client()).defaultNamespace) : undefined;

  const locate = {
    resolve: async (apiVersion: string, kind: string) =>
      resolveResource(await client(), apiVersion, kind, o.signal),
    namespaceOf: namespaced,
  };

  // Every request passes here first: path from validated parts, then the policy on what that path is.
  const check = (op: Op): { path: string; undo: boolean } => {
    const path = buildPath(op.target, SHAPE[op.verb]);
    const undo = op.undoCreate === true && created.has(path);
    decide(o.policy, {
      resource: op.target.resource,
      verb: op.verb,
      subresource: op.target.subresource,
      rollback: undo,
    });
    return { path, undo };
  };

  // A write is confirmed (confirm_clusters) on the request actually sent, like every other policy decision.
  const gate = async (op: Op): Promise<{ path: string; undo: boolean }> => {
    const checked = check(op);
    if (isWriteVerb(op.verb) && !checked.undo && o.beforeWrite)
      await o.beforeWrite(`${op.verb} ${op.target.resource.resource}`);
    return checked;
  };

  const send = async (op: Op): Promise<KubeResponse> => {
    const { path, undo } = await gate(op);
    const body =
      op.verb === "delete"
        ? {
            apiVersion: "v1",
            kind: "DeleteOptions",
            propagationPolicy: "Background",
            ...(op.body as Obj | undefined),
            ...(undo ? { preconditions: { uid: created.get(path) } } : {}),
          }
        : op.body;
    return (await client()).request({
      method: op.method,
      path,
      query: op.query,
      body,
      contentType: op.contentType,
      accept: op.accept,
      signal: undo ? undefined : o.signal, // undoing this call's own create must outlive its cancellation
      timeoutMs: o.timeoutMs,
      allowErrorStatus: op.allowErrorStatus,
      binary: op.binary,
    });
  };
  const json = async <T>(op: Op): Promise<T> => JSON.parse((await send(op)).body) as T;

  // A collection read: the same target, filters and paging for every form of list.
  const listOp = (resource: ApiResource, opts: ListOptions): Op => ({
    verb: "list",
    method: "GET",
    target: { resource, namespace: resource.namespaced ? opts.namespace : undefined },
    query: {
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      limit: opts.limit,
      continue: opts.continue,
    },
  });

  // An object's target, its namespace defaulted to the context's (namespaced kinds only).
  const objectTarget = async (ref: ObjectRef, subresource?: Subresource): Promise<Target> => ({
    resource: ref.resource,
    name: ref.name,
    namespace: await namespaced(ref.resource, ref.namespace),
    subresource,
  });

  return {
    name: o.policy.cluster,
    info: async () => {
      const c = await client();
      return { server: c.server, defaultNamespace: c.defaultNamespace };
    },
    resolve: async (apiVersion, kind) => resolveResource(await client(), apiVersion, kind, o.signal),
    get: async (ref) =>
      clean(await json({ verb: "get", method: "GET", target: await objectTarget(ref, ref.subresource) })),
    list: async (resource, opts = {}) => {
      const op = listOp(resource, opts);
      const query = { ...op.query, includeObject: opts.table?.includeObject };
      return clean(await json({ ...op, accept: opts.table?.accept, query }));
    },
    listNames: async (resource, opts = {}) => {
      const res = await send({ ...listOp(resource, opts), accept: METADATA_LIST_ACCEPT, binary: true });
      const bytes = res.bytes ?? Buffer.alloc(0);
      return String(res.headers["content-type"]).startsWith("application/vnd.kubernetes.protobuf")
        ? decodeNameListProtobuf(bytes)
        : decodeNameListJson(bytes.toString("utf8"));
    },
    apply: async (manifest, { force }) => {
      const t = await manifestTarget(manifest, locate);
      const res = await send({
        verb: "patch",
        method: "PATCH",
        target: { resource: t.resource, name: t.name, namespace: t.namespace },
        query: { fieldManager: FIELD_MANAGER, force: force || undefined },
        contentType: "application/apply-patch+yaml",
        body: JSON.stringify(t.body),
        allowErrorStatus: true,
      });
      if (res.status === 409) throw applyConflict(res.body, t);
      if (res.status < 200 || res.status >= 300) throw fromResponse(res.status, res.body);
      return clean(JSON.parse(res.body) as Obj);
    },
    create: async (manifest) => {
      const t = await manifestTarget(manifest, locate);
      // The name travels in the body, not the path: the object path is built (and so checked) all the same.
      const objectPath = buildPath({ resource: t.resource, name: t.name, namespace: t.namespace }, "object");
      const out = await json<Obj>({
        verb: "create",
        method: "POST",
        target: { resource: t.resource, namespace: t.namespace },
        query: { fieldManager: FIELD_MANAGER },
        body: t.body,
      });
      const uid = (out.metadata as Obj | undefined)?.uid;
      if (typeof uid === "string") created.set(objectPath, uid);
      return clean(out);
    },
    delete: async (ref, opts = {}) => {
      const target = await objectTarget(ref);
      const grace = opts.gracePeriodSeconds;
      await send({
        verb: "delete",
        method: "DELETE",
        target,
        body: grace === undefined ? undefined : { gracePeriodSeconds: grace },
        undoCreate: opts.undoCreate,
      });
      return { kind: ref.resource.kind, name: ref.name, namespace: target.namespace };
    },
    patchScale: async (ref, replicas) =>
      clean(
        await json({
          verb: "patch",
          method: "PATCH",
          target: await objectTarget(ref, "scale"),
          contentType: "application/merge-patch+json",
          body: { spec: { replicas } },
        }),
      ),
    logs: async (ref, opts) => {
      const container = opts.container && checkName("container", opts.container, "dns-label");
      const res = await send({
        verb: "get",
        method: "GET",
        target: await objectTarget(ref, "log"),
        accept: "text/plain, */*",
        query: {
          container,
          previous: opts.previous || undefined,
          tailLines: opts.tailLines,
          limitBytes: opts.limitBytes,
        },
      });
      return res.body;
    },
    exec: async (ref, opts) => {
      if (opts.container !== undefined) checkName("container", opts.container, "dns-label");
      if (opts.command.length === 0) throw new ToolError("`command` must not be empty");
      const { path } = await gate({ verb: "exec", method: "GET", target: await objectTarget(ref, "exec") });
      return execInPod(await client(), path, { ...opts, signal: o.signal });
    },
    serverVersion: async () =>
      (await client()).json<{ gitVersion?: string }>({
        path: "/version",
        signal: o.signal,
        timeoutMs: o.timeoutMs,
      }),
  };
}
