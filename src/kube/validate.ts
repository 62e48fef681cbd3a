// Input rules checked before any request: names, namespaces and apiVersions as the apiserver and kubectl define them.
import { ToolError } from "../errors.js";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VERSION = /^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$/;

/** Why: the rule a kind's object names follow; the loosest (path segment) is the apiserver's own floor. */
export type NameRule = "path-segment" | "dns-subdomain" | "dns-label" | "dns-1035-label";

const RULE_TEXT: Record<NameRule, string> = {
  "path-segment": "a name must not be '.' or '..' and must not contain '/' or '%'",
  "dns-subdomain":
    "a DNS-1123 subdomain: at most 253 lowercase letters, digits, '-' or '.', starting and ending alphanumeric",
  "dns-label":
    "a DNS-1123 label: at most 63 lowercase letters, digits or '-', starting and ending alphanumeric",
  "dns-1035-label":
    "a DNS-1035 label: at most 63 lowercase letters, digits or '-', starting with a letter, ending alphanumeric",
};

// Object names of the built-in kinds whose validation is stricter than a path segment (group/resource).
const KIND_RULES: Record<string, NameRule> = {
  "/namespaces": "dns-label",
  "/services": "dns-1035-label",
  "/pods": "dns-subdomain",
  "/configmaps": "dns-subdomain",
  "/secrets": "dns-subdomain",
  "/serviceaccounts": "dns-subdomain",
  "/nodes": "dns-subdomain",
  "/persistentvolumes": "dns-subdomain",
  "/persistentvolumeclaims": "dns-subdomain",
  "/endpoints": "dns-subdomain",
  "/events": "dns-subdomain",
  "apps/deployments": "dns-subdomain",
  "apps/replicasets": "dns-subdomain",
  "apps/statefulsets": "dns-subdomain",
  "apps/daemonsets": "dns-subdomain",
  "batch/jobs": "dns-subdomain",
  "batch/cronjobs": "dns-subdomain",
};

function fails(rule: NameRule, value: string): boolean {
  if (value === "" || value === "." || value === ".." || /[/%]/.test(value)) return true;
  // Control characters are in no Kubernetes name; refusing them keeps messages and logs one line each.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) return true;
  switch (rule) {
    case "path-segment":
      return false;
    case "dns-subdomain":
      return value.length > 253 || !DNS_SUBDOMAIN.test(value);
    case "dns-label":
      return value.length > 63 || !DNS_LABEL.test(value);
    case "dns-1035-label":
      return value.length > 63 || !DNS_1035_LABEL.test(value);
  }
}

function show(value: string): string {
  const shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
  return value.length > 80 ? `${shown} (${value.length} characters)` : shown;
}

/** Why: the name rule of a resource; generic kinds (CRDs, RBAC) get the apiserver's path-segment rule. */
export function nameRuleOf(group: string, resource: string): NameRule {
  return KIND_RULES[`${group}/${resource}`] ?? "path-segment";
}

/** Why: one refusal shape for every bad field, naming the field and the rule. */
export function checkName(field: string, value: string, rule: NameRule): string {
  if (fails(rule, value)) {
    throw new ToolError(
      `invalid ${field} ${show(value)}: must be ${RULE_TEXT[rule]}`,
      `pass the exact ${field} as Kubernetes shows it (resources_list lists names)`,
    );
  }
  return value;
}

/** Why: namespaces are DNS-1123 labels everywhere they appear (argument, manifest, path). */
export function checkNamespace(value: string): string {
  return checkName("namespace", value, "dns-label");
}

/** Why: apiVersion goes into the path, so it must be a DNS-subdomain group and a Kubernetes version, nothing else. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const parts = apiVersion.split("/");
  const group = parts.length === 2 ? (parts[0] ?? "") : "";
  const version = parts.at(-1) ?? "";
  const groupOk = parts.length === 1 || (group !== "" && group.length <= 253 && DNS_SUBDOMAIN.test(group));
  if (parts.length > 2 || !groupOk || !VERSION.test(version)) {
    throw new ToolError(
      `invalid apiVersion ${show(apiVersion)}: must be 'VERSION' (core) or 'GROUP/VERSION', GROUP a DNS-1123 subdomain and VERSION like v1, v1beta2 or v2alpha1`,
      "use 'v1' for core kinds or 'group/version' such as 'apps/v1'",
    );
  }
  return { group, version };
}

/** Why: subresources are chosen by code, never by callers; a closed set keeps the path builder honest. */
export type Subresource = "scale" | "log" | "exec" | "status" | "proxy";
