// Entry of the single-script bundle (main.cjs, for Node 20): zod settings, then the CLI, as the ES bin does.
import { sharedModules } from "k8s-mcp:shared-modules";
import { configureZod } from "../zod-config.js";
import { provideShared } from "./lazy-script.js";

configureZod();
// Closures only: a module in the table is evaluated when lazy.cjs first asks for it.
provideShared(sharedModules);
// A dynamic import, so that every module of the CLI is evaluated after the lines above.
void import("../cli.js");
