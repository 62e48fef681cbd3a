// Build-time stand-in for `whatwg-url` inside node-fetch: node-fetch uses Node's own URL when it exists (always, on
// the Node versions we support), so the ~290 KB URL polyfill and its Unicode tables stay out of the bundle.

/** Why: the one name node-fetch reads from whatwg-url, as its fallback; Node's URL is the same standard. */
export const URL: typeof globalThis.URL = globalThis.URL;
