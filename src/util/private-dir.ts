// A directory of small files only this user can have written: what is read from it is trusted as this user's own.
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";

const MAX_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Why: start-up answers reach the agent as they are and the start memo decides settings, so both are read only
 * from a directory this user owns and nobody else can write to (created 0700); files are written 0600, atomically.
 */
export class PrivateDir {
  private usable: boolean | undefined;
  /** Why the directory is not used, once known (for a debug log line). */
  problem: string | undefined;

  constructor(readonly path: string) {}

  /** Whether the directory exists (created now if needed) and is private. */
  ready(): boolean {
    if (this.usable !== undefined) return this.usable;
    try {
      mkdirSync(this.path, { recursive: true, mode: 0o700 });
      const st = lstatSync(this.path);
      const uid = process.getuid?.();
      this.usable = st.isDirectory() && (uid === undefined || st.uid === uid) && (st.mode & 0o022) === 0;
      if (!this.usable) this.problem = "not a directory owned by this user and closed to others";
    } catch (err) {
      this.usable = false;
      this.problem = (err as Error).message;
    }
    return this.usable;
  }

  /**
   * The text of `name`, as one line, when it is this user's regular file of at most 4 MiB holding a JSON object;
   * undefined otherwise (missing, another user's, a FIFO or a device, too big, not such JSON). Read through one
   * descriptor, so a file replaced meanwhile is read whole, old or new.
   */
  readJson(name: string): string | undefined {
    if (!this.ready()) return undefined;
    let fd: number | undefined;
    try {
      fd = openSync(join(this.path, name), constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
      const st = fstatSync(fd);
      const uid = process.getuid?.();
      if (!st.isFile() || st.size > MAX_FILE_BYTES || (uid !== undefined && st.uid !== uid)) return undefined;
      const value: unknown = JSON.parse(readFileSync(fd, "utf8"));
      return typeof value === "object" && value !== null && !Array.isArray(value)
        ? JSON.stringify(value)
        : undefined;
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /** Replaces `name` atomically (a reader sees the old text or the new, never half); false when it could not. */
  write(name: string, text: string): boolean {
    if (!this.ready() || Buffer.byteLength(text) > MAX_FILE_BYTES) return false;
    const file = join(this.path, name);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, text, { mode: 0o600 });
      renameSync(tmp, file);
      return true;
    } catch {
      return false;
    }
  }
}
