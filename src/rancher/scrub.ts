// Removes the Rancher token (and any bearer credential) from text that leaves the process.

/** Why: error messages from Rancher or NSK may echo credentials; everything shown passes through this. */
export type Scrubber = (text: string) => string;

/** Why: built once from the configured token; also scrubs its secret half and any "Bearer ..." value. */
export function makeScrubber(token: string | undefined, extra?: Scrubber): Scrubber {
  const secrets: string[] = [];
  if (token && token.length >= 4) {
    secrets.push(token);
    const secretPart = token.includes(":") ? token.slice(token.indexOf(":") + 1) : "";
    if (secretPart.length >= 8) secrets.push(secretPart);
  }
  return (text: string): string => {
    let out = text;
    for (const s of secrets) out = out.split(s).join("<redacted>");
    out = out.replace(/(bearer\s+)[^\s"',;]+/gi, "$1<redacted>");
    return extra ? extra(out) : out;
  };
}
