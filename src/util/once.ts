// A value built on its first use and kept: start-up builds only what it needs, shared pieces exist once.

/** Why: tool schemas and their shared fields cost start-up time to build; this defers and memoises them. */
export function once<T>(make: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    built ??= { value: make() };
    return built.value;
  };
}
