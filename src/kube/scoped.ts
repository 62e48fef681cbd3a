// The scoped client: one resolved cluster, one call's policy; the only way tools reach the Kubernetes API.
import { ToolError } from "../errors.js";
import { decide, type RequestPolicy, type Verb } from "./access.js";
import { type ApiResource, resolveResource } from "./api-resources.js";
import type { ClusterClient, KubeRequest } from "./client.js";
import { fromResponse } from "./errors.js";
import { type ExecResult, execInPod } from "./exec.js";
import { applyConflict, FIELD_MANAGER, manifestTarget } from "./objects.js";
import { buildPath, type PathShape, type Target } from "./paths.js";
import { type Fingerprint, sanitizeObject } from "./sanitize.js";
import { checkName } from "./validate.js";

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
}

/** Why: the API of the boundary, by parts: no method takes a path. */
export interface ScopedClient {
  readonly name: string;
  info(): Promise<{ server: string; defaultNamespace: string }>;
  resolve(apiVersion: string, kind: string): Promise<ApiResource>;
  get<T = Obj>(ref: ObjectRef & { subresource?: "scale" | "status" }): Promise<T>;
  list<T = Obj>(resource: ApiResource, opts?: ListOptions): Promise<T>;
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
  shape: PathShape;
  method: NonNullable<KubeRequest["method"]>;
  query?: KubeRequest["query"];
  body?: unknown;
  contentType?: string;
  accept?: string;
  allowErrorStatus?: boolean;
  undoCreate?: boolean;
}

/** Why: makes the boundary for one call; nothing is connected until the first request. */
export function createScopedClient(o: ScopeOptions): ScopedClient {
  let conn: Promise<ClusterClient> | undefined;
  const client = (): Promise<ClusterClient> => {
    conn ??= o.connect(o.signal);
    conn.catch(() => {
      conn = undefined;
    });
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

  const send = async (op: Op): Promise<{ status: number; body: string; path: string }> => {
    const path = buildPath(op.target, op.shape);
    const undo = op.undoCreate === true && created.has(path);
    decide(o.policy, {
      resource: op.target.resource,
      verb: op.verb,
      subresource: op.target.subresource,
      rollback: undo,
    });
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
    const c = await client();
    const res = await c.request({
      method: op.method,
      path,
      query: op.query,
      body,
      contentType: op.contentType,
      accept: op.accept,
      signal: o.signal,
      timeoutMs: o.timeoutMs,
      allowErrorStatus: op.allowErrorStatus,
    });
    return { status: res.status, body: res.body, path };
  };
  const json = async <T>(op: Op): Promise<T> => JSON.parse((await send(op)).body) as T;

  const objectOp = async (ref: ObjectRef, verb: Verb, method: Op["method"], rest: Partial<Op> = {}) => {
    const namespace = await namespaced(ref.resource, ref.namespace);
    return {
      verb,
      method,
      shape: "object" as const,
      target: { resource: ref.resource, name: ref.name, namespace },
      ...rest,
    };
  };

  return {
    name: o.policy.cluster,
    info: async () => {
      const c = await client();
      return { server: c.server, defaultNamespace: c.defaultNamespace };
    },
    resolve: async (apiVersion, kind) => resolveResource(await client(), apiVersion, kind, o.signal),
    get: async (ref) => {
      const op = await objectOp(ref, "get", "GET");
      return clean(await json({ ...op, target: { ...op.target, subresource: ref.subresource } }));
    },
    list: async (resource, opts = {}) =>
      clean(
        await json({
          verb: "list",
          method: "GET",
          shape: "collection",
          target: { resource, namespace: resource.namespaced ? opts.namespace : undefined },
          accept: opts.table?.accept,
          query: {
            labelSelector: opts.labelSelector,
            fieldSelector: opts.fieldSelector,
            limit: opts.limit,
            continue: opts.continue,
            includeObject: opts.table?.includeObject,
          },
        }),
      ),
    apply: async (manifest, { force }) => {
      const t = await manifestTarget(manifest, locate);
      const res = await send({
        verb: "patch",
        method: "PATCH",
        shape: "object",
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
      // The name travels in the body, not the path: check it by the kind's rule here.
      const objectPath = buildPath({ resource: t.resource, name: t.name, namespace: t.namespace }, "object");
      const out = await json<Obj>({
        verb: "create",
        method: "POST",
        shape: "collection",
        target: { resource: t.resource, namespace: t.namespace },
        query: { fieldManager: FIELD_MANAGER },
        body: t.body,
      });
      const uid = (out.metadata as Obj | undefined)?.uid;
      if (typeof uid === "string") created.set(objectPath, uid);
      return clean(out);
    },
    delete: async (ref, opts = {}) => {
      const op = await objectOp(ref, "delete", "DELETE", {
        body:
          opts.gracePeriodSeconds === undefined ? undefined : { gracePeriodSeconds: opts.gracePeriodSeconds },
        undoCreate: opts.undoCreate,
      });
      await send(op);
      return { kind: ref.resource.kind, name: ref.name, namespace: op.target.namespace };
    },
    patchScale: async (ref, replicas) =>
      clean(
        await json(
          await objectOp(ref, "patch", "PATCH", {
            contentType: "application/merge-patch+json",
            body: { spec: { replicas } },
          }).then((op) => ({ ...op, target: { ...op.target, subresource: "scale" as const } })),
        ),
      ),
    logs: async (ref, opts) => {
      const op = await objectOp(ref, "get", "GET", {
        accept: "text/plain, */*",
        query: {
          container:
            opts.container === undefined ? undefined : checkName("container", opts.container, "dns-label"),
          previous: opts.previous || undefined,
          tailLines: opts.tailLines,
          limitBytes: opts.limitBytes,
        },
      });
      return (await send({ ...op, target: { ...op.target, subresource: "log" } })).body;
    },
    exec: async (ref, opts) => {
      const op = await objectOp(ref, "exec", "GET");
      const path = buildPath({ ...op.target, subresource: "exec" }, "object");
      decide(o.policy, { resource: ref.resource, verb: "exec", subresource: "exec" });
      if (opts.container !== undefined) checkName("container", opts.container, "dns-label");
      if (opts.command.length === 0) throw new ToolError("`command` must not be empty");
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
