// Go-style duration strings ("500ms", "30s", "1h30m") used by every timeout and interval setting.

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const FORMAT_UNITS: ReadonlyArray<readonly [string, number]> = [
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
  ["ms", 1],
];

/** Why: settings hold durations as readable strings; code needs milliseconds. Throws on anything odd. */
export function parseDuration(text: string): number {
  const input = text.trim();
  if (input === "") {
    throw new Error('empty duration; expected something like "30s", "5m" or "1h30m"');
  }
  if (input.startsWith("-")) {
    throw new Error(`negative duration "${input}" is not allowed`);
  }
  if (input === "0") return 0;
  let total = 0;
  let pos = 0;
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;
  while (pos < input.length) {
    part.lastIndex = pos;
    const match = part.exec(input);
    if (match === null) {
      throw new Error(
        `invalid duration "${input}"; expected a number followed by a unit (ms, s, m, h, d), e.g. "30s", "1h30m"`,
      );
    }
    const amount = Number(match[1]);
    const unit = UNIT_MS[match[2] ?? ""] ?? 0;
    total += amount * unit;
    pos = part.lastIndex;
  }
  if (!Number.isFinite(total)) {
    throw new Error(`duration "${input}" is too large`);
  }
  return Math.round(total);
}

/** Why: messages and `--print-config` show durations the way users write them ("1h30m", not 5400000). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new Error(`cannot format duration ${ms}; expected a finite, non-negative number of milliseconds`);
  }
  let rest = Math.round(ms);
  if (rest === 0) return "0s";
  let out = "";
  for (const [unit, size] of FORMAT_UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}
