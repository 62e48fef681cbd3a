// Computed values: the chart's defaults with the user's values laid over them, as `helm get values --all` shows.

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Why: Helm coalesces user values over chart defaults: maps merge key by key, anything else is replaced, and a
 * user `null` removes the default. (Sub-chart and global propagation are not modelled: top-level values only.)
 */
export function coalesceValues(defaults: unknown, user: unknown): Obj {
  const base = isObj(defaults) ? defaults : {};
  const over = isObj(user) ? user : {};
  const out: Obj = {};
  for (const [k, v] of Object.entries(base)) if (!(k in over)) out[k] = v;
  for (const [k, v] of Object.entries(over)) {
    if (v === null) continue;
    const d = base[k];
    out[k] = isObj(v) && isObj(d) ? coalesceValues(d, v) : v;
  }
  return out;
}
