// A small JSON Schema validator for MCP elicitation results, which the spec limits to flat objects of primitives.
import type {
  JsonSchemaType,
  JsonSchemaValidator,
  JsonSchemaValidatorResult,
  jsonSchemaValidator,
} from "@modelcontextprotocol/sdk/validation/types.js";

type Prop = {
  type?: unknown;
  enum?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  minLength?: unknown;
  maxLength?: unknown;
};

function checkProp(name: string, v: unknown, p: Prop): string | undefined {
  const t = p.type;
  if (t === "boolean" && typeof v !== "boolean") return `${name} must be a boolean`;
  if (t === "string" && typeof v !== "string") return `${name} must be a string`;
  if ((t === "number" || t === "integer") && typeof v !== "number") return `${name} must be a number`;
  if (t === "integer" && !Number.isInteger(v)) return `${name} must be an integer`;
  if (Array.isArray(p.enum) && !p.enum.includes(v)) return `${name} must be one of ${p.enum.join(", ")}`;
  if (typeof v === "number" && typeof p.minimum === "number" && v < p.minimum)
    return `${name} is below ${p.minimum}`;
  if (typeof v === "number" && typeof p.maximum === "number" && v > p.maximum)
    return `${name} is above ${p.maximum}`;
  if (typeof v === "string" && typeof p.minLength === "number" && v.length < p.minLength)
    return `${name} is too short`;
  if (typeof v === "string" && typeof p.maxLength === "number" && v.length > p.maxLength)
    return `${name} is too long`;
  return undefined;
}

/**
 * Why: the SDK's default validator pulls in ajv (~300 KB) at startup only to check elicitation answers;
 * the build substitutes this one (see scripts/build.mjs), which covers everything elicitation allows.
 */
export class AjvJsonSchemaValidator implements jsonSchemaValidator {
  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    const props = (schema.properties ?? {}) as Record<string, Prop>;
    const required = Array.isArray(schema.required) ? schema.required : [];
    return (input: unknown): JsonSchemaValidatorResult<T> => {
      const fail = (errorMessage: string): JsonSchemaValidatorResult<T> => ({
        valid: false,
        data: undefined,
        errorMessage,
      });
      if (!input || typeof input !== "object" || Array.isArray(input)) return fail("expected an object");
      const obj = input as Record<string, unknown>;
      for (const r of required) if (!(r in obj)) return fail(`${r} is required`);
      for (const [k, v] of Object.entries(obj)) {
        const p = props[k];
        if (!p) continue;
        const err = checkProp(k, v, p);
        if (err) return fail(err);
      }
      return { valid: true, data: input as T, errorMessage: undefined };
    };
  }
}
