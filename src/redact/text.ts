// Redaction of free text (error messages, log lines): the backstop behind structural redaction.
import { REDACTED, redactUrlsInText } from "./url.js";
import { SECRET_NAME } from "./words.js";

// `--flag=value` / `--flag value` where the flag names a credential; the value may be quoted.
const FLAG_IN_TEXT = /(^|[\s"'[,(])(--?[a-z0-9][\w.-]*)(=|\s+)("[^"]*"|'[^']*'|[^\s"',\])]+)/gi;
const BEARER = /\b(bearer|basic)\s+[A-Za-z0-9._~+/=:-]{6,}/gi;

function redactFlags(text: string): string {
  return text.replace(FLAG_IN_TEXT, (whole, lead: string, flag: string, sep: string) =>
    SECRET_NAME.test(flag.replace(/^-+/, "")) ? `${lead}${flag}${sep}${REDACTED}` : whole,
  );
}

/**
 * Why: texts built elsewhere (library errors, plugin stderr, API messages) may quote a credential: known
 * secret values, URL userinfo, secret-looking flags and Authorization header values are replaced.
 */
export function redactText(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join(REDACTED);
  return redactFlags(redactUrlsInText(out)).replace(BEARER, `$1 ${REDACTED}`);
}
