// "Did you mean ...?" for misspelt keys.
import { editDistance } from "../util/text.js";

/**
 * Why: an unknown key is usually a typo of a valid one; suggest it only when it is plausibly close
 * (at most a third of the longer name changed), so unrelated keys get no misleading hint.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.ceil(Math.max(word.length, best.length) / 3));
  return bestDistance <= limit ? best : undefined;
}
