// Entry of the single-script bundle (main.cjs, for Node 20): zod settings, then the CLI, as the ES bin does.
import { configureZod } from "../zod-config.js";

configureZod();
// A dynamic import, so that every module of the CLI is evaluated after the line above.
void import("../cli.js");
