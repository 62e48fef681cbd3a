// docs/configuration.md's reference table is generated from the schema; this keeps the two in sync.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { renderConfigReference } from "../../../src/config/docs.js";

describe("configuration reference", () => {
  it("docs/configuration.md contains the table generated from the schema", async () => {
    const readme = await readFile(new URL("../../../docs/configuration.md", import.meta.url), "utf8");
    const between =
      readme.split("<!-- config-reference:start")[1]?.split("<!-- config-reference:end -->")[0] ?? "";
    const table = between.slice(between.indexOf("\n") + 1).trim();
    expect(table).toBe(renderConfigReference());
    expect(table).toContain("`nsk.rancher_token`");
  });
});
