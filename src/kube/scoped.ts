// The scoped client: one resolved cluster, one call's policy; the only way tools reach the Kubernetes API.
import { ToolError } from "../errors.js";
import { openRecord } from "../helm/open.js";
import { decide, isWriteVerb, type Verb } from "./access.js";
import { type ApiResource, resolveResource } from "./api-resources.js";
import type { ClusterClient, KubeRequest, KubeResponse } from "./client.js";
import { fromResponse, KubeError, parseJson, withEffect, writeEffect } from "./errors.js";
import { execInPod } from "./exec.js";
import { withTempKubeconfig } from "./kubeconfig-temp.js";
import { decodeNameListJson, decodeNameListProtobuf, METADATA_LIST_ACCEPT } from "./list-names.js";
import { applyConflict, describeObject, FIELD_MANAGER, manifestTarget } from "./objects.js";
import { buildPath, type PathShape, type Target } from "./paths.js";
import { confirmCreate, confirmDelete } from "./read-back.js";
import { sanitizeObject } from "./sanitize.js";
import type { ListOptions, MetadataList, ObjectRef, ScopedClient, ScopeOptions } from "./scoped-types.js";
import { checkName, type Subresource } from "./validate.js";

type Obj = Record<string, unknown>;

export type {
  CliIntent,
  ListOptions,
  ListParams,
  Located,
  MetadataList,
  NodeProxyPath,
  ObjectRef,
  ScopedClient,
  ScopeOptions,
} from "./scoped-types.js";

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

const NODES: ApiResource = {
  group: "",
  version: "v1",
  kind: "Node",
  resource: "nodes",
  namespaced: false,
  verbs: [],
};
const METADATA_JSON_ACCEPT =
  "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

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
  const fieldManager = o.fieldManager ?? FIELD_MANAGER;

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
            ...(undo
              ? {
                  preconditions: {
                    ...((op.body as Obj | undefined)?.preconditions as Obj),
                    uid: created.get(path),
                  },
                }
              : {}),
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
  const json = async <T>(op: Op): Promise<T> => {
    const res = await send(op);
    return parseJson<T>(res, op.method, (await client()).server);
  };
  // A write whose answer was lost is checked once by reading the object (see read-back.ts).
  const readBack = (target: Target) => () =>
    send({ verb: "get", method: "GET", target, allowErrorStatus: true });
  const lostAnswer = (err: unknown): err is KubeError =>
    err instanceof KubeError && (err.effect === "unknown" || err.effect === "applied");
  const notes: string[] = [];

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

  const scoped: ScopedClient = {
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
    apply: async (manifest, { force, dryRun }) => {
      const t = await manifestTarget(manifest, locate);
      const res = await send({
        verb: "patch",
        method: "PATCH",
        target: { resource: t.resource, name: t.name, namespace: t.namespace },
        query: { fieldManager, force: force || undefined, dryRun: dryRun ? "All" : undefined },
        contentType: "application/apply-patch+yaml",
        body: JSON.stringify(t.body),
        allowErrorStatus: true,
      });
      if (res.status === 409) throw applyConflict(res.body, t);
      // A refusal of the real apply says whether it changed anything (a 500/502/504: unknown), as every write does.
      if (res.status < 200 || res.status >= 300)
        throw withEffect(
          fromResponse(res.status, res.body, res.headers, (await client()).actingAs),
          writeEffect(dryRun ? "GET" : "PATCH", "answered", res.status),
        );
      return clean(parseJson<Obj>(res, dryRun ? "GET" : "PATCH", (await client()).server));
    },
    create: async (manifest) => {
      const t = await manifestTarget(manifest, locate);
      // The name travels in the body, not the path: the object path is built (and so checked) all the same.
      const objectPath = buildPath({ resource: t.resource, name: t.name, namespace: t.namespace }, "object");
      const startedAt = performance.now();
      const out = await json<Obj>({
        verb: "create",
        method: "POST",
        target: { resource: t.resource, namespace: t.namespace },
        query: { fieldManager },
        body: t.body,
      }).catch(async (err: unknown) => {
        if (!lostAnswer(err)) throw err;
        const target = { resource: t.resource, name: t.name, namespace: t.namespace };
        const age = () => performance.now() - startedAt;
        const found = await confirmCreate(err, describeObject(t.body), fieldManager, age, readBack(target));
        if (found instanceof KubeError) throw found;
        notes.push(found.note);
        return found.object ?? {};
      });
      const uid = (out.metadata as Obj | undefined)?.uid;
      if (typeof uid === "string") created.set(objectPath, uid);
      return clean(out);
    },
    delete: async (ref, opts = {}) => {
      const target = await objectTarget(ref);
      const grace = opts.gracePeriodSeconds;
      const rv = opts.resourceVersion;
      const startedAt = performance.now();
      await send({
        verb: "delete",
        method: "DELETE",
        target,
        body: {
          ...(grace === undefined ? {} : { gracePeriodSeconds: grace }),
          ...(rv === undefined ? {} : { preconditions: { resourceVersion: rv } }),
        },
        undoCreate: opts.undoCreate,
      }).catch(async (err: unknown) => {
        if (!lostAnswer(err)) throw err;
        const what = `${ref.resource.kind} ${target.namespace ? `${target.namespace}/` : ""}${ref.name}`;
        const found = await confirmDelete(err, what, () => performance.now() - startedAt, readBack(target));
        if (found instanceof KubeError) throw found;
        notes.push(found.note);
      });
      return { kind: ref.resource.kind, name: ref.name, namespace: target.namespace };
    },
    patchScale: async (ref, replicas, resourceVersion) =>
      clean(
        await json({
          verb: "patch",
          method: "PATCH",
          target: await objectTarget(ref, "scale"),
          contentType: "application/merge-patch+json",
          body: { ...(resourceVersion ? { metadata: { resourceVersion } } : {}), spec: { replicas } },
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
    notes: () => [...notes],
    listMetadata: async (resource, opts = {}) =>
      clean(await json<MetadataList>({ ...listOp(resource, opts), accept: METADATA_JSON_ACCEPT })),
    readRelease: async (ref, opts) => {
      // A raw read (no sanitizeObject): the payload never leaves here except through openRecord's redaction.
      const raw = await json<{ data?: Record<string, unknown> }>({
        verb: "get",
        method: "GET",
        target: await objectTarget(ref),
      });
      return openRecord(raw, opts.driver, { full: opts.full, allowSecretValues: o.allowSecretValues });
    },
    nodeProxy: async (node, path, query) => {
      const { path: base } = check({
        verb: "get",
        method: "GET",
        target: { resource: NODES, name: node, subresource: "proxy" },
      });
      const res = await (await client()).request({
        method: "GET",
        path: `${base}/${path}`,
        query,
        accept: "text/plain, application/json, */*",
        signal: o.signal,
        timeoutMs: o.timeoutMs,
      });
      return res.body;
    },
    // Nothing is sent here: the same decision every request gets, on what the child process will do.
    judge: (intents) => {
      for (const i of intents) {
        buildPath({ resource: i.resource, namespace: i.namespace }, "collection");
        for (const verb of i.verbs) decide(o.policy, { resource: i.resource, verb });
      }
    },
    withKubeconfig: async (intents, fn) => {
      scoped.judge(intents);
      // The child process's writes are confirmed (confirm_clusters) like this client's own, by their verbs.
      const write = intents.find((i) => i.verbs.some(isWriteVerb));
      if (write && o.beforeWrite)
        await o.beforeWrite(`${write.verbs.filter(isWriteVerb).join("/")} ${write.resource.resource} (helm)`);
      return withTempKubeconfig(await client(), fn);
    },
    serverVersion: async () =>
      (await client()).json<{ gitVersion?: string }>({
        path: "/version",
        signal: o.signal,
        timeoutMs: o.timeoutMs,
      }),
    // A fixed path and body that change nothing on the cluster: like /version, outside the resource policy.
    whoAmI: async () => {
      const review = await (await client()).json<{
        status?: { userInfo?: { username?: string; groups?: string[] } };
      }>({
        method: "POST",
        path: "/apis/authentication.k8s.io/v1/selfsubjectreviews",
        body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
        signal: o.signal,
        timeoutMs: o.timeoutMs,
      });
      return review.status?.userInfo ?? {};
    },
  };
  return scoped;
}
