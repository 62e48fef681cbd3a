// Removes the Rancher token (and any bearer credential) from text that leaves the process.
import { redactText } from "../redact/text.js";

/** Why: error messages from Rancher or NSK may echo credentials; everything shown passes through this. */
export type Scrubber = (text: string) => string;

/** Why: built once from the configured token (and its secret half); the one text redactor does the work. */
export function makeScrubber(token: string | undefined, extra?: Scrubber): Scrubber {
  const secrets: string[] = [];
  if (token && token.length >= 4) {
    secrets.push(token);
    const secretPart = token.includes(":") ? token.slice(token.indexOf(":") + 1) : "";
    if (secretPart.length >= 8) secrets.push(secretPart);
  }
  return (text: string): string => {
    const out = redactText(text, secrets);
    return extra ? extra(out) : out;
  };
}
