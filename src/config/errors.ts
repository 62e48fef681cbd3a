// The one error type the configuration module throws.

/**
 * Why: callers (the CLI) must tell a user mistake in flags/env/TOML apart from a bug, and print only
 * the message (no stack). `problems` keeps each finding separate for tests and tooling.
 */
export class ConfigError extends Error {
  override readonly name: string = "ConfigError";
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[]) {
    const list: readonly string[] = typeof problems === "string" ? [problems] : problems;
    super(list.join("\n"));
    this.problems = list;
  }
}
