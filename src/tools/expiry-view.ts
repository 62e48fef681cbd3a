// Credential expiry as clusters_status and clusters_list show it: one reader, one threshold, one schema.
import { z } from "zod";
import { type ExpiryView, expiryView } from "../clusters/expiry.js";
import { readCredentialExpiry } from "../clusters/expiry-read.js";
import { parseDuration } from "../config/index.js";
import type { ToolDeps } from "../mcp/tool.js";
import { once } from "../util/once.js";

/** Why: the structured form of a cluster's credential expiry, shared by both tools' output schemas. */
export const expirySchema = once(() =>
  z
    .object({
      expiresAt: z.string().describe("When the credentials stop working (ISO 8601)."),
      source: z
        .enum(["token", "client-certificate", "exec", "rancher"])
        .describe(
          "What carries the expiry: a JWT token's exp, a client certificate's NotAfter, an exec plugin's expirationTimestamp, or Rancher's report on its token.",
        ),
      text: z.string().describe("e.g. 'token expires in 3h12m'."),
      warning: z.boolean().describe("Under credential_warning (default 24h): renew soon."),
    })
    .optional(),
);

/** Why: both tools ask the same question per cluster; local files only, and a failure is just "unknown". */
export function expiryReader(
  deps: ToolDeps,
  now = Date.now(),
): (name: string) => Promise<ExpiryView | undefined> {
  const warnMs = parseDuration(deps.config.credential_warning);
  const rancher = deps.rancher?.tokenReports();
  return async (name) => {
    const e = await readCredentialExpiry(deps.clusters, name, rancher).catch(() => undefined);
    return expiryView(e, now, warnMs);
  };
}

/** Why: a table cell; "!" marks a credential under credential_warning. */
export function expiryCell(v: ExpiryView | undefined): string {
  return v ? `${v.warning ? "! " : ""}${v.text}` : "-";
}
