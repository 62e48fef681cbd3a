// How many leading rows of a rendered list fit a byte budget, so a list is shortened between rows, never cut.

/**
 * Why: the byte cost of a rendered list's parts: the header line (tables) and each row. Rows are table lines
 * after the header, or top-level `- ` items of a YAML sequence (with their continuation lines).
 */
export function rowBytes(text: string): { head: number; rows: number[] } {
  const lines = text.split("\n");
  const yaml = text.startsWith("- ");
  const head = yaml ? 0 : Buffer.byteLength(lines[0] ?? "") + 1;
  const rows: number[] = [];
  for (let i = yaml ? 0 : 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const size = Buffer.byteLength(line) + 1;
    if (!yaml || line.startsWith("- ") || rows.length === 0) rows.push(size);
    else rows[rows.length - 1] = (rows[rows.length - 1] ?? 0) + size;
  }
  return { head, rows };
}

/**
 * Why: a page cut at max_output_bytes would hide rows that its continue token then skips; knowing how many
 * whole rows fit lets the list be fetched again with that limit, so the page and its token agree. `extra[i]` is
 * what row i costs elsewhere (its structuredContent item), `fixed` what the page costs besides its rows.
 */
export function rowsThatFit(
  text: string,
  maxBytes: number,
  extra: readonly number[] = [],
  fixed = 0,
): number {
  const { head, rows } = rowBytes(text);
  let bytes = head + fixed;
  let fit = 0;
  for (const [i, size] of rows.entries()) {
    bytes += size + (extra[i] ?? 0);
    if (bytes > maxBytes) break;
    fit++;
  }
  return fit;
}
