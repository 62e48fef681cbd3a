// "~/" in path settings.
import { delimiter, join } from "node:path";

/** Why: TOML files and `--flag=~/x` are not expanded by a shell, yet users write "~/.nsk". */
export function expandHome(path: string, homedir: string): string {
  if (path === "~") return homedir;
  if (path.startsWith("~/")) return join(homedir, path.slice(2));
  return path;
}

/** Why: `kubeconfig` may hold several paths (like KUBECONFIG); each one gets "~/" expanded. */
export function expandHomeList(paths: string, homedir: string): string {
  return paths
    .split(delimiter)
    .map((part) => (part === "" ? part : expandHome(part, homedir)))
    .join(delimiter);
}
