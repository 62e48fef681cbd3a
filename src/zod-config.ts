// The bin loads this before the bundled entry (scripts/build.mjs): zod settings that must precede every schema.
import { z } from "zod";

/**
 * Why: each zod object schema decides when it is built whether to JIT-compile a parser (on its first parse, with
 * `new Function`). A server parses each schema a few times, so compiling costs more at startup than it saves
 * (a warm parse stays a few microseconds either way); the bin opts out before any schema exists.
 */
export function configureZod(): void {
  z.config({ jitless: true });
}
