// Build-time stand-in for the SDK's zod v3 compatibility paths; this server defines every schema with zod v4.

function unsupported(): never {
  throw new Error("zod v3 schemas are not supported in this build (k8s-mcp uses zod v4)");
}

/** Why: the SDK's zod-compat imports zod/v3 for v3 shapes, which this server never passes. */
export const object: () => never = unsupported;

/** Why: the SDK's JSON Schema compat imports zod-to-json-schema for v3 schemas only. */
export const zodToJsonSchema: () => never = unsupported;
