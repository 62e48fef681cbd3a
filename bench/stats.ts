// Small statistics helpers for benchmarks.

/** Why: medians resist the outliers a shared 2-core machine produces. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

/** Why: tail latency for throughput benchmarks. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
}

/** Why: every scenario prints numbers the same way. */
export function ms(x: number): string {
  return `${x.toFixed(1)} ms`;
}
