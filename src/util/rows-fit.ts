// How many leading rows of a rendered list fit a byte budget, so a list is shortened between rows, never cut.

/**
 * Why: a page cut at max_output_bytes would hide rows that its continue token then skips; knowing how many
 * whole rows fit lets the list be fetched again with that limit, so the page and its token agree.
 * Rows are table lines after the header, or top-level `- ` items of a YAML sequence.
 */
export function rowsThatFit(text: string, maxBytes: number): number {
  const lines = text.split("\n");
  const yaml = text.startsWith("- ");
  let bytes = yaml ? 0 : Buffer.byteLength(lines[0] ?? "") + 1;
  let fit = 0;
  for (let i = yaml ? 0 : 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const startsRow = !yaml || line.startsWith("- ");
    if (startsRow && bytes > maxBytes) return Math.max(0, fit - 1);
    if (startsRow) fit++;
    bytes += Buffer.byteLength(line) + 1;
  }
  return bytes > maxBytes ? Math.max(0, fit - 1) : fit;
}
