// The names that mark a value as a credential, shared by every redaction rule (keys, flags, text).

/** Why: a setting, field or flag whose name says it holds a credential. One list for config, kubeconfig, args. */
export const SECRET_NAME =
  /token|password|passwd|passphrase|secret|credential|private[-_]?key|client[-_]?key|api[-_]?key|apikey|cookie|authorization|-data$/i;

/** Why: `--token=x`, `--client-secret x`: command-line flags whose value is a credential. */
export function isSecretFlag(arg: string): boolean {
  const m = /^--?([a-z0-9][\w.-]*)(=|$)/i.exec(arg);
  return m !== null && SECRET_NAME.test(m[1] ?? "");
}
