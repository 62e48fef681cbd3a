// Bounded-concurrency map with cancellation: the engine of status checks and fan-out.

/** Why: per-item outcome, so one failure never hides the others. */
export type PoolOutcome<R> = { status: "done"; value: R } | { status: "skipped" };

/** Why: runs fn over items with at most `limit` in flight; stops starting new ones once `signal` aborts. */
export async function mapPool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<PoolOutcome<R>[]> {
  const out: PoolOutcome<R>[] = items.map(() => ({ status: "skipped" }));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) {
      const i = next++;
      out[i] = { status: "done", value: await fn(items[i] as T, i) };
    }
  };
  const n = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: n }, worker));
  return out;
}
