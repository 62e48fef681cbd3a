// The single source of truth for every setting: name, type, default and documentation.
import { z } from "zod";
import { parseDuration } from "./duration.js";

function durationText(fallback: string, description: string, allowZero = false) {
  return z
    .string()
    .superRefine((value, ctx) => {
      let ms: number;
      try {
        ms = parseDuration(value);
      } catch {
        ctx.addIssue({
          code: "custom",
          message: 'must be a duration such as "500ms", "30s", "5m" or "1h30m"',
        });
        return;
      }
      if (ms === 0 && !allowZero) ctx.addIssue({ code: "custom", message: "must be longer than zero" });
    })
    .default(fallback)
    .describe(description);
}

function regexText(description: string) {
  return z
    .string()
    .superRefine((value, ctx) => {
      try {
        new RegExp(value);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        ctx.addIssue({ code: "custom", message: `is not a valid JavaScript regular expression (${reason})` });
      }
    })
    .optional()
    .describe(description);
}

const nameList = (description: string) => z.array(z.string()).default([]).describe(description);

/**
 * Why: the byte limits' defaults, written once: the schema's defaults, and the value for the few readers that
 * run without a configuration (credential files read for expiry, library use). Everything else reads the config.
 */
export const BYTE_LIMIT_DEFAULTS = {
  max_output_bytes: 65536,
  max_request_bytes: 4 * 1024 * 1024,
  max_kubeconfig_bytes: 4 * 1024 * 1024,
  max_manifest_bytes: 4 * 1024 * 1024,
} as const;

function positiveInt(fallback: number, description: string) {
  return z
    .number()
    .int({ error: "must be an integer" })
    .positive({ error: "must be greater than 0" })
    .default(fallback)
    .describe(description);
}

/** Why: one entry of `denied_resources`; tools refuse any API call touching a matching kind. */
export const DeniedResourceSchema = z
  .object({
    group: z.string().default("").describe('API group; "" is the core group (Pods, Secrets, ...).'),
    version: z.string().optional().describe("API version; omitted means every version of the group."),
    kind: z.string().min(1, { error: "must not be empty" }).describe('Kind, e.g. "Secret".'),
  })
  .strict();

/** Why: the `[nsk]` table; its presence enables Rancher/NSK kubeconfig refresh and the nsk_* tools. */
export const NskSchema = z
  .object({
    rancher_url: z
      .url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://rancher.example.com" })
      .optional()
      .describe("Rancher server URL. Environment: RANCHER_URL. Flag: --nsk-rancher-url."),
    rancher_token: z.string().optional().describe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the ${VAR} syntax of config files
      'Rancher API token ("token-xxxxx:secret"). Prefer "${VAR}" or RANCHER_TOKEN over a literal. Never shown.',
    ),
    rancher_insecure: z
      .boolean()
      .default(false)
      .describe("Skip TLS verification of the Rancher server. Environment: RANCHER_INSECURE."),
    profile: z
      .string()
      .optional()
      .describe("NSK profile name. Environment: NSK_PROFILE. Flag: --nsk-profile."),
    config_dir: z
      .string()
      .optional()
      .describe(
        "Directory NSK/Rancher refresh writes <cluster>.yaml files into; also the default kubeconfig_dir. " +
          "Environment: NSK_CONFDIR. Flag: --nsk-config-dir.",
      ),
    auto_refresh: z
      .boolean()
      .default(false)
      .describe("Refresh kubeconfigs every refresh_interval in the background. Flag: --nsk-auto-refresh."),
    refresh_interval: durationText("1h", 'How often auto_refresh runs, e.g. "30m", "1h".'),
    refresh_before_expiry: durationText(
      "1h",
      "With auto_refresh, a kubeconfig whose credentials expire within this is refreshed then, not at the next " +
        "refresh_interval (expiry from a JWT token's exp, a client certificate's NotAfter, or Rancher's token report).",
    ),
    nsk_path: z
      .string()
      .min(1, { error: "must not be empty" })
      .default("nsk")
      .describe("Path or name (looked up in PATH) of the nsk binary."),
    cluster_pattern: regexText(
      "Only clusters whose name matches this regular expression are fetched from Rancher and visible to this server.",
    ),
    exclude_clusters: nameList(
      "Cluster names or globs never fetched from Rancher and invisible to this server.",
    ),
    driver: z
      .enum(["auto", "nsk", "rancher-api"])
      .default("auto")
      .describe(
        'How to refresh: the nsk CLI, Rancher\'s HTTP API, or "auto" (nsk when installed, else the API).',
      ),
    min_refresh_interval: durationText(
      "1m",
      "A refresh requested sooner than this after the previous one is skipped unless forced.",
      true,
    ),
    refresh_timeout: durationText("5m", "Maximum duration of one refresh run."),
    refresh_args: z
      .array(z.string())
      .optional()
      .describe(
        "Arguments for `nsk` when refreshing; placeholders {config_dir}, {profile}, {cluster_pattern} (alias {pattern}), " +
          "{rancher_url}; an element in [ ] is dropped when its placeholder is empty. " +
          'Default: ["cluster","kubeconfig","--confdir","{config_dir}","[--profile {profile}]","[--name-pattern {cluster_pattern}]"].',
      ),
    list_args: z
      .array(z.string())
      .optional()
      .describe('Arguments for `nsk` when listing clusters. Default: ["cluster","list"].'),
  })
  .strict();

/** Why: who the apiserver sees for a call: the kubeconfig's identity, the caller impersonated, or the caller's token. */
export const ClusterAuthSchema = z.enum(["server", "impersonate", "passthrough"]);

/** Why: the `[oauth]` table; its presence makes the HTTP server an OAuth 2.1 resource server (docs/team.md). */
export const OAuthSchema = z
  .object({
    issuer: z
      .url({ protocol: /^https$/, error: "must be an https:// URL (the issuer's exact `iss`)" })
      .describe(
        "The authorization server; its JWKS is found at {issuer}/.well-known/openid-configuration (or oauth-authorization-server).",
      ),
    audience: z
      .string()
      .min(1, { error: "must not be empty" })
      .describe(
        "Required in every token's `aud`; published as `resource` in the protected-resource metadata (usually this server's /mcp URL).",
      ),
    username_claim: z.string().min(1).default("sub").describe("Token claim naming the user."),
    groups_claim: z.string().min(1).default("groups").describe("Token claim listing the user's groups."),
    username_prefix: z
      .string()
      .default("")
      .describe('Prepended to the user name, e.g. "oidc:" to match the apiserver\'s own OIDC prefix.'),
    ca_file: z.string().optional().describe("PEM file trusted for the issuer's TLS (discovery and JWKS)."),
    read_scope: z.string().min(1).default("k8s:read").describe("Scope read-only tools need."),
    write_scope: z.string().min(1).default("k8s:write").describe("Scope every other tool needs."),
  })
  .strict();

/** Why: per-cluster exceptions to cluster_auth: each mode lists the cluster names, aliases or globs it applies to. */
export const ClusterAuthClustersSchema = z
  .object({
    passthrough: nameList("Clusters that trust the issuer: the caller's own token is sent."),
    impersonate: nameList("Clusters reached with the server's credential impersonating the caller."),
    server: nameList("Clusters reached with the kubeconfig's own identity."),
  })
  .strict();

/** Why: validates the merged configuration and, through .describe(), documents every key. */
export const ConfigSchema = z
  .object({
    kubeconfig: z
      .string()
      .optional()
      .describe(
        "Classic kubeconfig path(s), separated like KUBECONFIG. Each context becomes a cluster. Flag: --kubeconfig.",
      ),
    kubeconfig_dir: z
      .string()
      .optional()
      .describe(
        "Directory of kubeconfig files, one cluster per file (*.yaml, *.yml, *.kubeconfig). " +
          "Defaults to nsk.config_dir. Flag: --kubeconfig-dir.",
      ),
    default_cluster: z
      .string()
      .optional()
      .describe("Cluster (or alias) active at start. Flag: --default-cluster."),
    cluster_aliases: z
      .record(z.string(), z.string())
      .default({})
      .describe('Alternative names for clusters: alias = "cluster".'),
    auto_discovery: z
      .boolean()
      .default(true)
      .describe("Pick up kubeconfig files added to or removed from kubeconfig_dir without a restart."),
    cluster_pattern: regexText(
      "Only clusters whose name matches this regular expression exist for this server.",
    ),
    exclude_clusters: nameList("Cluster names or globs that are invisible and unreachable."),
    in_cluster: z
      .boolean()
      .default(true)
      .describe(
        "Inside a Kubernetes pod (KUBERNETES_SERVICE_HOST set, service-account token mounted), add the pod's own " +
          "cluster as the cluster named by in_cluster_name, beside any kubeconfig. false: never.",
      ),
    in_cluster_name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
        error: "must be a cluster name (letters, digits, '.', '_', '-')",
      })
      .default("in-cluster")
      .describe("Name of the pod's own cluster in in-cluster mode; a kubeconfig cluster of that name wins."),

    read_only: z.boolean().default(false).describe("Expose only read-only tools. Flag: --read-only."),
    disable_destructive: z
      .boolean()
      .default(false)
      .describe("Hide tools that delete or overwrite. Flag: --disable-destructive."),
    denied_resources: z
      .array(DeniedResourceSchema)
      .default([])
      .describe('Resource kinds no tool may read or change, e.g. { kind = "Secret" }.'),
    read_only_clusters: nameList("Cluster names or globs that accept only read-only tools."),
    require_cluster: z
      .boolean()
      .default(false)
      .describe(
        "Every cluster-aware call must name its `cluster`; the active cluster is never used implicitly. Flag: --require-cluster.",
      ),
    confirm_clusters: nameList(
      "Cluster names, aliases or globs where every write needs `confirm: true` or an accepted confirmation prompt.",
    ),
    allow_secret_values: z
      .boolean()
      .default(false)
      .describe("Show Secret data values instead of redacting them."),
    audit_log: z
      .string()
      .optional()
      .describe("File receiving one JSON line per tool call (time, session, tool, cluster, outcome)."),

    list_output: z
      .enum(["table", "yaml"])
      .default("table")
      .describe("Format of list results. Flag: --list-output."),
    request_timeout: durationText("30s", "Timeout of each Kubernetes API request."),
    credential_warning: durationText(
      "24h",
      "clusters_status and clusters_list warn when a cluster's credentials expire within this (JWT token exp, " +
        "client certificate NotAfter, exec plugin expirationTimestamp, Rancher's token expiry).",
    ),
    max_output_bytes: z
      .number()
      .int({ error: "must be an integer" })
      .positive({ error: "must be greater than 0" })
      .default(BYTE_LIMIT_DEFAULTS.max_output_bytes)
      .describe("Tool output longer than this is truncated with a note on how to narrow the query."),
    max_request_bytes: positiveInt(
      BYTE_LIMIT_DEFAULTS.max_request_bytes,
      "Largest JSON-RPC message accepted (one stdio line or one HTTP body); a larger one gets an error and the server keeps serving.",
    ),
    max_kubeconfig_bytes: positiveInt(
      BYTE_LIMIT_DEFAULTS.max_kubeconfig_bytes,
      "Kubeconfig files larger than this are refused before they are parsed.",
    ),
    max_manifest_bytes: positiveInt(
      BYTE_LIMIT_DEFAULTS.max_manifest_bytes,
      "Manifests (resources_create_or_update) larger than this are refused before they are parsed.",
    ),
    max_replicas: positiveInt(
      1000,
      "resources_scale refuses more replicas than this unless the call is confirmed (`confirm: true` or an accepted prompt).",
    ),
    max_manifest_documents: positiveInt(
      1000,
      "Manifests with more YAML documents than this are refused before they are parsed.",
    ),

    helm_path: z
      .string()
      .min(1, { error: "must not be empty" })
      .default("helm")
      .describe(
        "Path or name (looked up in PATH) of the helm CLI (v3 or v4) that helm_install/upgrade/rollback/uninstall run.",
      ),

    log_level: z
      .enum(["error", "warn", "info", "debug"])
      .default("info")
      .describe("Minimum level logged (to stderr or log_file). Flag: --log-level."),
    log_file: z.string().optional().describe("Write logs to this file instead of stderr. Flag: --log-file."),

    port: z
      .number()
      .int({ error: "must be an integer" })
      .min(0, { error: "must be between 0 and 65535" })
      .max(65535, { error: "must be between 0 and 65535" })
      .optional()
      .describe("Serve Streamable HTTP on this port instead of stdio. Flag: --port."),
    host: z
      .string()
      .min(1, { error: "must not be empty" })
      .default("127.0.0.1")
      .describe("Address the HTTP server binds to. Flag: --host."),
    http_token: z
      .string()
      .optional()
      .describe("Bearer token HTTP clients must send. Environment: K8S_MCP_HTTP_TOKEN. Never shown."),
    http_legacy: z
      .enum(["sessions", "stateless"])
      .default("sessions")
      .describe(
        'How HTTP serves 2025-era clients (initialize): "sessions" keeps a session per client with its own active ' +
          'cluster (run one replica), "stateless" answers every request on its own (any replica; `cluster` or ' +
          "default_cluster decides, clusters_switch is not offered). 2026-07-28 clients are always served statelessly.",
      ),
    session_idle_timeout: durationText("30m", "HTTP sessions idle for longer than this are closed."),
    http_max_connections: positiveInt(
      512,
      "Open HTTP connections at most; at the limit an idle connection is closed to admit a new one, else the new one is refused.",
    ),
    http_max_connections_per_client: positiveInt(
      256,
      "Open HTTP connections at most from one remote address; at the limit its longest-idle connection is closed to admit a new one, else the new one is refused.",
    ),
    http_headers_timeout: durationText(
      "10s",
      "An HTTP connection that has not sent complete request headers within this (from connecting, or from the first byte of a later request) is closed.",
    ),
    http_request_timeout: durationText(
      "60s",
      "An HTTP request whose body has not fully arrived within this is answered 408 and closed.",
    ),
    http_keep_alive_timeout: durationText("5s", "An idle keep-alive HTTP connection is closed after this."),
    http_allowed_hosts: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Host names clients may use to reach the HTTP server (e.g. ["mcp.prod.example.com"]); Host and Origin ' +
          "headers naming anything else are refused (DNS-rebinding protection when bound beyond loopback).",
      ),

    cluster_auth: ClusterAuthSchema.default("server").describe(
      'Who the apiserver sees: "server" (the kubeconfig\'s identity), "impersonate" (that identity impersonating the ' +
        'OAuth caller) or "passthrough" (the caller\'s own token). Anything but "server" needs [oauth].',
    ),
    cluster_auth_clusters: ClusterAuthClustersSchema.optional().describe(
      "Per-cluster cluster_auth: `passthrough`, `impersonate`, `server` each list names, aliases or globs; " +
        "the first list (in that order) naming a cluster wins, other clusters use cluster_auth.",
    ),
    oauth: OAuthSchema.optional().describe(
      "OAuth 2.1 resource server for HTTP (docs/team.md); present = every HTTP request needs a valid token.",
    ),
    http_user_rate_limit: z
      .number()
      .int({ error: "must be an integer" })
      .min(0, { error: "must be 0 (off) or more" })
      .default(600)
      .describe("With [oauth]: HTTP requests per minute one user may make on one replica (0: no limit)."),

    nsk: NskSchema.optional().describe(
      "Rancher/NSK integration; setting any key enables it. kubeconfig_dir, default_cluster, " +
        "auto_discovery and credential_warning written after the [nsk] header are accepted and moved to the top level.",
    ),
  })
  .strict();

/** Why: the validated configuration with defaults applied, as every other module consumes it. */
export type Config = z.infer<typeof ConfigSchema>;

/** Why: the `[nsk]` part of Config, handed to the Rancher refresh drivers. */
export type NskConfig = z.infer<typeof NskSchema>;

/** Why: the `[oauth]` part of Config, handed to the token verifier. */
export type OAuthConfig = z.infer<typeof OAuthSchema>;

/** Why: one of the three identities a call may use toward a cluster. */
export type ClusterAuthMode = z.infer<typeof ClusterAuthSchema>;

/** Why: the hoisting step and its errors need to know which keys may be written inside [nsk]. */
export const HOISTED_NSK_KEYS: readonly [
  "kubeconfig_dir",
  "default_cluster",
  "auto_discovery",
  "credential_warning",
] = ["kubeconfig_dir", "default_cluster", "auto_discovery", "credential_warning"];
