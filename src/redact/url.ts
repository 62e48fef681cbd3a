// URL userinfo: the one module that removes `user:password@` (and secret query values) from URLs, and compares servers.

/** Why: the single replacement marker every redaction in this server uses. */
export const REDACTED = "<redacted>";

const SCHEME_URL = /^[a-z][a-z0-9+.-]*:\/\//i;
// Query parameter names whose values are credentials (`?access_token=...`, `?password=...`).
const SECRET_PARAM = /token|password|passwd|secret|signature|sig$|credential|api[-_]?key|auth/i;

function redactQuery(url: URL): boolean {
  let changed = false;
  for (const key of [...url.searchParams.keys()]) {
    if (SECRET_PARAM.test(key)) {
      url.searchParams.set(key, REDACTED);
      changed = true;
    }
  }
  return changed;
}

/**
 * Why: a URL may carry credentials (`https://user:pass@host`, `?token=`); this shows it without them.
 * Strings that are not URLs come back unchanged; an unparseable one loses everything before its last '@'.
 */
export function redactUrl(text: string): string {
  if (!SCHEME_URL.test(text)) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Unusable as a URL: anything before the last '@' may be a password with a '/', '?' or '#' in it.
    const at = text.lastIndexOf("@");
    return at < 0 ? text : `${text.slice(0, text.indexOf("//") + 2)}${REDACTED}${text.slice(at)}`;
  }
  const hadUserinfo = url.username !== "" || url.password !== "";
  const hadQuery = redactQuery(url);
  if (hadQuery) {
    url.username = "";
    url.password = "";
    return hadUserinfo ? withMarker(url.href) : url.href;
  }
  return hadUserinfo ? withMarker(text) : text;
}

// Replaces the userinfo of a URL string in place (keeping the rest as written), or adds the marker when it is gone.
function withMarker(text: string): string {
  const start = text.indexOf("//") + 2;
  const rest = text.slice(start);
  const authorityEnd = rest.search(/[/?#\\]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  const at = authority.lastIndexOf("@");
  const host = at < 0 ? rest : rest.slice(at + 1);
  return `${text.slice(0, start)}${REDACTED}@${host}`;
}

// scheme://userinfo@ inside free text; userinfo ends at the last '@' before the host (RFC 3986: no '/', '?', '#').
const USERINFO_IN_TEXT = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'<>]*@/gi;

/** Why: error texts from the network layer or libraries may quote a URL; its userinfo must not survive. */
export function redactUrlsInText(text: string): string {
  if (!text.includes("@")) return text;
  return text.replace(USERINFO_IN_TEXT, `$1${REDACTED}@`);
}

/**
 * Why: isolation compares API servers ("is this context the server of a hidden cluster?"): scheme, host, port
 * and path, case-folded and without userinfo, default port, trailing dot or trailing slash. Not a DNS lookup.
 */
export function normaliseServer(server: string): string {
  try {
    const url = new URL(server.trim());
    const host = url.hostname.replace(/\.$/, "");
    const port = url.port ? `:${url.port}` : "";
    const path = url.pathname.replace(/\/+$/, "");
    return `${url.protocol}//${host}${port}${path}`;
  } catch {
    return server.trim().toLowerCase();
  }
}
