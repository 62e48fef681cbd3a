// Strict tool arguments: unknown keys are refused naming the closest valid key; compatibility spellings fold in.
import { z } from "zod";
import { closestMatch } from "../config/suggest.js";

/**
 * Why: one spelling per concept across all tools; where the reference server spelt a key differently on a tool,
 * that spelling stays accepted there (documented in its schema). Handlers only ever see the canonical key.
 */
export const ARG_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  pods_top: { label_selector: "labelSelector" },
  nodes_top: { label_selector: "labelSelector" },
};

const aliasesOf = (tool: string): [string, string][] => Object.entries(ARG_ALIASES[tool] ?? {});

function unknownKeyMessage(keys: readonly string[], valid: readonly string[]): string {
  const parts = keys.map((k) => {
    const near = closestMatch(k, valid);
    return `unknown argument '${k}'${near ? ` (did you mean '${near}'?)` : ""}`;
  });
  return `${parts.join("; ")}; valid arguments: ${valid.join(", ") || "(none)"}`;
}

/**
 * Why: the one place input schemas become strict (additionalProperties: false) and gain their aliases;
 * registration and clusters_exec_all's parameter check both use it, so they refuse the same keys.
 */
export function strictInput(tool: string, shape: z.ZodRawShape): z.ZodObject<z.ZodRawShape> {
  const full: Record<string, z.core.$ZodType> = { ...shape };
  for (const [alias, target] of aliasesOf(tool)) {
    const field = shape[target];
    if (field && !(alias in shape))
      full[alias] = (field as z.ZodType)
        .optional()
        .describe(`Alias of \`${target}\` (the reference server's spelling); prefer \`${target}\`.`);
  }
  const valid = Object.keys(shape);
  const strict = z.strictObject(full, {
    error: (issue) => (issue.code === "unrecognized_keys" ? unknownKeyMessage(issue.keys, valid) : undefined),
  });
  const aliases = aliasesOf(tool);
  // A refinement clones the schema (per tool, per server): only tools with aliases need one.
  if (!aliases.length) return strict;
  return strict.superRefine((args, ctx) => {
    for (const [alias, target] of aliases) {
      if (args[alias] !== undefined && args[target] !== undefined)
        ctx.addIssue({
          code: "custom",
          message: `pass either '${target}' or its alias '${alias}', not both`,
        });
    }
  });
}

/** Why: handlers see canonical keys only; an alias's value moves to the key it stands for. */
export function foldAliases(tool: string, args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...args };
  for (const [alias, target] of aliasesOf(tool)) {
    if (!(alias in out)) continue;
    if (out[alias] !== undefined) out[target] = out[alias];
    delete out[alias];
  }
  return out;
}
