// Writes the kubeconfig files the server under test reads: one per cluster, plus one classic multi-context file.
import { writeFile } from "node:fs/promises";
import { stringify } from "yaml";

/** Why: what a kubeconfig needs to reach one test cluster as one identity. */
export interface Endpoint {
  name: string;
  server: string;
  caData: string;
  token: string;
  user: string;
}

function entries(e: Endpoint) {
  return {
    cluster: { name: e.name, cluster: { server: e.server, "certificate-authority-data": e.caData } },
    user: { name: `${e.name}-${e.user}`, user: { token: e.token } },
    context: { name: e.name, context: { cluster: e.name, user: `${e.name}-${e.user}` } },
  };
}

/** Why: the layout --kubeconfig-dir reads, one file whose current-context is the cluster. */
export async function writeClusterKubeconfig(path: string, e: Endpoint): Promise<void> {
  const x = entries(e);
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [x.cluster],
    users: [x.user],
    contexts: [x.context],
    "current-context": e.name,
  };
  await writeFile(path, stringify(doc), { mode: 0o600 });
}

/** Why: the classic --kubeconfig layout, every cluster a context of one file. */
export async function writeClassicKubeconfig(
  path: string,
  endpoints: Endpoint[],
  current: string,
): Promise<void> {
  const all = endpoints.map(entries);
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    clusters: all.map((x) => x.cluster),
    users: all.map((x) => x.user),
    contexts: all.map((x) => x.context),
    "current-context": current,
  };
  await writeFile(path, stringify(doc), { mode: 0o600 });
}
