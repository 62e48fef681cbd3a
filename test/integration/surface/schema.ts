// Explicit outputSchema checks for surface tests, independent of the validation the SDK Client does itself.

import type { CallToolResult, Client, Tool } from "@modelcontextprotocol/client";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/client/validators/ajv";
import { expect } from "vitest";

const ajv = new AjvJsonSchemaValidator();

/** Why: every test checks results against what tools/list declared, not against a copy of the schema. */
export async function declaredTools(client: Client): Promise<Map<string, Tool>> {
  return new Map((await client.listTools()).tools.map((t) => [t.name, t]));
}

/** Why: a successful result must carry structuredContent that its tool's declared outputSchema accepts. */
export function expectValidStructured(tool: Tool | undefined, res: CallToolResult, label = tool?.name): void {
  expect(tool?.outputSchema, `${label}: outputSchema declared`).toBeDefined();
  expect(res.isError, `${label}: ${JSON.stringify(res.content).slice(0, 300)}`).toBeFalsy();
  expect(res.structuredContent, `${label}: structuredContent`).toBeDefined();
  const check = ajv.getValidator(tool?.outputSchema as Parameters<typeof ajv.getValidator>[0]);
  const verdict = check(res.structuredContent);
  expect(verdict.errorMessage, `${label}: ${verdict.errorMessage}`).toBeUndefined();
  expect(verdict.valid, label).toBe(true);
}
