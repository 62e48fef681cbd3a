// A signal from the server to the bin: the start-up every session goes through is done (first tools/list answered).

// The bin and the bundle are built separately, so they meet on a registry symbol, not a shared module instance.
const KEY = Symbol.for("k8s-mcp.startup-answered");

type Listener = () => void;

function slot(): { [KEY]?: Listener } {
  return globalThis as { [KEY]?: Listener };
}

/** Why: the bin takes its code cache at this point: what every start compiles, without the first call's code. */
export function onStartupAnswered(listener: Listener): void {
  slot()[KEY] = listener;
}

/** Why: called by the tools/list handler; the listener runs once, after the answer has been written. */
export function startupAnswered(): void {
  const listener = slot()[KEY];
  if (!listener) return;
  slot()[KEY] = undefined;
  setImmediate(listener);
}
