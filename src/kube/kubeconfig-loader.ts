// Turns kubeconfig text + a context name into ClientSettings, using client-node (loaded lazily) for auth.
import type { OutgoingHttpHeaders } from "node:http";
import { Agent } from "node:http";
import type { RequestOptions } from "node:https";
import { dirname } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
// client-node's own readers of parsed kubeconfig sections (what KubeConfig.loadFromString does after js-yaml).
import { newClusters, newContexts, newUsers } from "@kubernetes/client-node/dist/config_types.js";
import type { ClientSettings } from "./client.js";
import { describeFailure, KubeError } from "./errors.js";
import { takeOverExec } from "./exec-credential.js";

/** Why: clients are built from a file on disk; relative cert paths resolve against that file's folder. */
export interface KubeconfigSource {
  name: string;
  file: string;
  /** The kubeconfig as parsed once by the KubeconfigStore (js-yaml, client-node's own parser). */
  doc: unknown;
  /** The text parsed, when there is one (a merged classic list has none): an empty one is named as such. */
  text?: string;
  /** Why the text does not parse (line and column, never content). */
  error?: string;
  /** Context to use; default: the file's current-context. */
  context?: string;
}

// KubeConfig.loadFromString without its own js-yaml parse: the document is the one every other reader used.
function loadFromDoc(kc: KubeConfig, doc: unknown): void {
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new TypeError("not a kubeconfig mapping");
  const obj = doc as Record<string, unknown>;
  const opts = { onInvalidEntry: "filter" as const };
  kc.loadFromOptions({
    clusters: newClusters(obj.clusters, opts),
    contexts: newContexts(obj.contexts, opts),
    users: newUsers(obj.users, opts),
    currentContext: obj["current-context"] as string,
  });
}

/**
 * Why: client-node implements kubeconfig auth (exec plugins, OIDC, proxies, TLS). This module is only ever
 * imported lazily (on a cluster's first use), and the bundle keeps only what KubeConfig needs.
 */
export async function loadClientSettings(
  src: KubeconfigSource,
  defaultTimeoutMs: number,
): Promise<ClientSettings> {
  const kc = new KubeConfig();
  if (src.text?.trim() === "")
    throw new KubeError("kubeconfig", `kubeconfig ${src.file} is empty (a write or refresh cut short?)`);
  if (src.error)
    throw new KubeError(
      "kubeconfig",
      `kubeconfig ${src.file} is not valid YAML (half written or cut short?): ${src.error}`,
    );
  try {
    loadFromDoc(kc, src.doc);
    kc.makePathsAbsolute(dirname(src.file));
  } catch (err) {
    // client-node reads a document that is not a mapping (empty, a bare string) by dereferencing it: a TypeError.
    const why =
      err instanceof TypeError
        ? "is not a kubeconfig (no clusters, contexts or users mapping)"
        : `is not valid YAML (half written or cut short?): ${(err as Error).message.split("\n")[0]}`;
    throw new KubeError("kubeconfig", `kubeconfig ${src.file} ${why}`);
  }
  const contextName = src.context ?? kc.getCurrentContext();
  if (!contextName) throw new KubeError("kubeconfig", `kubeconfig ${src.file} has no current-context`);
  const ctx = kc.getContextObject(contextName);
  if (!ctx) throw new KubeError("kubeconfig", `kubeconfig ${src.file} has no context '${contextName}'`);
  kc.setCurrentContext(contextName);
  let cluster = kc.getCurrentCluster();
  if (!cluster?.server)
    throw new KubeError("kubeconfig", `context '${contextName}' in ${src.file} has no cluster server`);
  if (cluster.server.startsWith("http:") && !cluster.skipTLSVerify) {
    // client-node refuses plain-HTTP servers (kubectl proxy, local dev) unless TLS checks are off; there is no TLS.
    const plain = { ...cluster, skipTLSVerify: true };
    kc.clusters = kc.clusters.map((c) => (c.name === plain.name ? plain : c));
    cluster = plain;
  }
  const server = cluster.server;
  const exec = takeOverExec(kc, src.name, defaultTimeoutMs);
  const user = kc.getCurrentUser();
  const dynamic = Boolean(user?.authProvider);

  const apply = async (): Promise<RequestOptions> => {
    const opts: RequestOptions = {};
    try {
      await kc.applyToHTTPSOptions(opts);
    } catch (err) {
      throw new KubeError(
        "kubeconfig",
        `credentials for '${src.name}' could not be loaded: ${describeFailure(err)}`,
      );
    }
    return opts;
  };
  const first = await apply();
  const execCert = await exec?.prefetch(); // a plugin may return a client certificate: it goes into the TLS options
  const headersOf = (o: RequestOptions): OutgoingHttpHeaders => {
    const h: OutgoingHttpHeaders = { ...(o.headers as OutgoingHttpHeaders | undefined) };
    if (o.auth) h.Authorization = `Basic ${Buffer.from(o.auth).toString("base64")}`;
    if (user?.impersonateUser) h["Impersonate-User"] = user.impersonateUser;
    return h;
  };
  const staticHeaders = headersOf(first);
  // Exec/auth-provider credentials: concurrent requests share one plugin run instead of spawning one each.
  let inflight: Promise<OutgoingHttpHeaders> | undefined;
  const sharedHeaders = (): Promise<OutgoingHttpHeaders> => {
    inflight ??= apply()
      .then(headersOf)
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };
  return {
    name: src.name,
    server,
    defaultNamespace: ctx.namespace || "default",
    tls: {
      ca: first.ca,
      cert: execCert?.clientCertificateData ?? first.cert,
      key: execCert?.clientKeyData ?? first.key,
      pfx: first.pfx,
      passphrase: first.passphrase,
      rejectUnauthorized: cluster.skipTLSVerify ? false : first.rejectUnauthorized,
      servername: cluster.tlsServerName ?? first.servername ?? undefined,
    },
    headers: exec
      ? async () => {
          const token = (await exec.get()).token;
          return token ? { ...staticHeaders, Authorization: `Bearer ${token}` } : staticHeaders;
        }
      : dynamic
        ? sharedHeaders
        : async () => staticHeaders,
    onUnauthorized: exec?.invalidate,
    credentialExpiresAt: exec?.expiresAt,
    defaultTimeoutMs,
    // proxy-url: client-node built an HTTP(S)/SOCKS proxy agent for us; a direct agent would bypass the proxy.
    agent: cluster.proxyUrl && first.agent instanceof Agent ? first.agent : undefined,
  };
}
