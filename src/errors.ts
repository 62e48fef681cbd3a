// The error type for failures the agent caused or can fix (bad input, unknown cluster, policy refusals).

/** Why: distinguishes "you asked for something wrong, here is what to do" from unexpected failures. */
export class ToolError extends Error {
  override readonly name = "ToolError";
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}
