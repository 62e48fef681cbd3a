// Kubernetes resource quantities ("250m", "1.5Gi", "123456789n") to numbers, for top output.

const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** Why: metrics and allocatable come as quantity strings; top needs numbers to sum and compare. */
export function parseQuantity(q: string | undefined): number {
  if (!q) return 0;
  const m = /^([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)([a-zA-Z]*)$/.exec(q.trim());
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  const unit = m[2] ?? "";
  const mult = BINARY[unit] ?? DECIMAL[unit];
  return mult === undefined ? Number.NaN : n * mult;
}

/** Why: CPU shown as kubectl does, in millicores ("250m"). */
export function formatMillicores(cores: number): string {
  return `${Math.round(cores * 1000)}m`;
}

/** Why: memory shown as kubectl does, in MiB ("128Mi"). */
export function formatMebibytes(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)}Mi`;
}
