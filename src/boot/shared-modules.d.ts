// The table scripts/script-bundle.mjs generates for main.cjs: start-up modules lazy.cjs uses, by id.
declare module "k8s-mcp:shared-modules" {
  /** Why: handed to lazy.cjs (lazy-script.ts), so that a module both scripts use exists once. */
  export const sharedModules: import("./lazy-script.js").ModuleTable;
}
