// Reading and parsing the --config TOML file.
import { readFile } from "../util/fs-async.js";
import { errorCode } from "../util/net-errors.js";
import { ConfigError } from "./errors.js";

/** Why: later steps need both the parsed tables and the raw text (to point at lines in messages). */
export interface TomlFile {
  path: string;
  text: string;
  data: Record<string, unknown>;
}

function osReason(error: unknown): string {
  if (error instanceof Error) {
    const code = errorCode(error);
    if (code === "ENOENT") return "no such file";
    if (code === "EACCES") return "permission denied";
    if (code === "EISDIR") return "is a directory";
    return error.message;
  }
  return String(error);
}

/** Why: turns an unreadable or malformed file into one ConfigError with path, line, column and reason. */
export async function readTomlFile(path: string): Promise<TomlFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${osReason(error)}`);
  }
  // Loaded only when a --config file is given: startup without one never pays for the TOML parser.
  const { parse, TomlError } = await import("smol-toml");
  try {
    const data = parse(text, { unsafeKeyBehaviour: "throw" });
    return { path, text, data };
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = (error.message.split("\n")[0] ?? "").replace(/^Invalid TOML document:\s*/, "");
      throw new ConfigError(
        `invalid TOML in ${path} at line ${error.line}, column ${error.column}: ${reason}`,
      );
    }
    throw new ConfigError(`cannot parse config file ${path}: ${osReason(error)}`);
  }
}
