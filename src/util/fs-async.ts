// Promise forms of the few fs callbacks start-up and a first call use: node:fs/promises costs ~1.5 ms to load on
// Node 20, more than those few operations take.
import {
  close as closeCb,
  fstat as fstatCb,
  open as openCb,
  read as readCb,
  readdir as readdirCb,
  readFile as readFileCb,
  realpath as realpathCb,
  stat as statCb,
} from "node:fs";
import { promisify } from "node:util";

/** Why: fs.promises.readFile without loading node:fs/promises. */
export const readFile: typeof readFileCb.__promisify__ = promisify(readFileCb);
/** Why: fs.promises.readdir (withFileTypes too) without loading node:fs/promises. */
export const readdir: typeof readdirCb.__promisify__ = promisify(readdirCb);
/** Why: fs.promises.realpath without loading node:fs/promises. */
export const realpath: typeof realpathCb.__promisify__ = promisify(realpathCb);
/** Why: fs.promises.stat without loading node:fs/promises. */
export const stat: typeof statCb.__promisify__ = promisify(statCb);
/** Why: a file descriptor for size-limited reads (read-limited.ts) without a FileHandle. */
export const open: typeof openCb.__promisify__ = promisify(openCb);
/** Why: the size of an open descriptor. */
export const fstat: typeof fstatCb.__promisify__ = promisify(fstatCb);
/** Why: reads into a buffer at a position; resolves { bytesRead, buffer }. */
export const read: typeof readCb.__promisify__ = promisify(readCb);
/** Why: closes a descriptor from open(). */
export const close: typeof closeCb.__promisify__ = promisify(closeCb);
