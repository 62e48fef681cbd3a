// The sectioned fan-out answer within max_output_bytes: every leg when they all fit; otherwise failures named first,
// as many legs as fit in a stable order, and the rest named once with how to reach them. Pure, unit-tested.

/** Why: one leg as the sectioned answer shows it: its text section and its structured leg. */
export interface Section<L> {
  cluster: string;
  failed: boolean;
  text: string;
  leg: L;
  /** Its page ends with a continue token: more of this cluster is one single-cluster call away. */
  paged?: boolean;
}

/** Why: what the fan-out puts around the sections (summary lines, structured head, how to reach a cluster). */
export interface SectionFrame<H> {
  lines: string[];
  structured: H;
  operation: string;
  isError: boolean;
  budget: number;
  /** Each leg's share of the budget (bytes, text and structuredContent together). */
  share: number;
}

// The answer's size as the client receives it: the JSON-RPC result (text escaped, structuredContent, isError).
function resultBytes(text: string, structured: unknown, isError: boolean): number {
  const result = {
    content: [{ type: "text", text }],
    structuredContent: structured,
    ...(isError ? { isError } : {}),
  };
  return Buffer.byteLength(JSON.stringify(result));
}

// Names in full when short, else the first and last and the count (every name is in structuredContent.omitted).
function nameList(names: readonly string[], room: number): string {
  const full = names.join(", ");
  if (Buffer.byteLength(full) <= room || names.length < 3) return full;
  return `${names[0]}, …, ${names[names.length - 1]} (${names.length} clusters; every name in structuredContent.omitted)`;
}

/** Why: the answer the fan-out returns: its text and its structuredContent. */
export interface Packed<H, L> {
  text: string;
  structured: H & { results: L[]; omitted?: string[] };
}

function build<H, L>(
  frame: SectionFrame<H>,
  all: readonly Section<L>[],
  shown: readonly Section<L>[],
): Packed<H, L> {
  const seen = new Set(shown.map((s) => s.cluster));
  const omitted = all.filter((s) => !seen.has(s.cluster)).map((s) => s.cluster);
  const failed = all.filter((s) => s.failed).map((s) => s.cluster);
  const room = Math.floor(frame.budget / 16);
  const lines = [...frame.lines];
  if (failed.length) lines.push(`failed (${failed.length}): ${nameList(failed, room)}`);
  lines.push(...shown.map((s) => s.text));
  // Said once for the answer, not by each leg: what a page's share is, and how to see the rest of a cluster.
  if (shown.some((s) => s.paged))
    lines.push(
      `Each cluster shows one page for its share of max_output_bytes (${frame.share} of ${frame.budget} bytes). ` +
        `To see more of one: ${frame.operation} with cluster: <name> and continue: <its token>, or narrow the parameters.`,
    );
  if (omitted.length)
    lines.push(
      `not shown, to fit max_output_bytes (${frame.budget}): ${omitted.length} of ${all.length} clusters: ${nameList(omitted, room)}. ` +
        `To reach them: clusters_exec_all again with clusters: [those names] (structuredContent.omitted), ` +
        `or merge: true (one table, every cluster's continue token), or ${frame.operation} with cluster: <name>.`,
    );
  const structured = {
    ...frame.structured,
    results: shown.map((s) => s.leg),
    ...(omitted.length ? { omitted } : {}),
  };
  return { text: lines.join("\n"), structured };
}

/**
 * Why: the sectioned answer, text and structuredContent together within the budget as the client receives it.
 * Unchanged when every leg fits; otherwise failing legs first, then the others, each in selection order, as many
 * as fit, and one line naming the rest and how to reach them (structuredContent.omitted lists them by name).
 */
export function packSections<H, L>(frame: SectionFrame<H>, sections: readonly Section<L>[]): Packed<H, L> {
  const whole = build(frame, [], sections);
  const fits = (p: Packed<H, L>) => resultBytes(p.text, p.structured, frame.isError) <= frame.budget;
  if (fits(whole)) return whole;
  const order = [...sections.filter((s) => s.failed), ...sections.filter((s) => !s.failed)];
  let best = build(frame, sections, []);
  for (let k = 1; k <= order.length; k++) {
    const next = build(frame, sections, order.slice(0, k));
    if (!fits(next)) break;
    best = next;
  }
  return best;
}
