// Which API versions serve a kind on a cluster, from aggregated discovery: for the error that names the right one.
import type { ClusterClient } from "./client.js";

const AGGREGATED =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

interface DiscoveryList {
  items?: {
    metadata?: { name?: string };
    versions?: {
      version?: string;
      resources?: {
        resource?: string;
        singularResource?: string;
        shortNames?: string[];
        responseKind?: { kind?: string };
      }[];
    }[];
  }[];
}

/**
 * Why: `kind: Deployment` with `apiVersion: v1` should be told "apps/v1", CRDs included. Two requests (core and
 * groups, each one aggregated document), made only on that error path; any failure just means no suggestion.
 */
export async function versionsServingKind(
  client: ClusterClient,
  kind: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const want = kind.toLowerCase();
  const lists = await Promise.all(
    ["/api", "/apis"].map((path) =>
      client.json<DiscoveryList>({ path, accept: AGGREGATED, signal }).catch((): DiscoveryList => ({})),
    ),
  );
  const found: string[] = [];
  for (const group of lists.flatMap((l) => l.items ?? [])) {
    const name = group.metadata?.name ?? "";
    for (const v of group.versions ?? []) {
      const serves = (v.resources ?? []).some(
        (r) =>
          r.responseKind?.kind?.toLowerCase() === want ||
          r.resource === want ||
          r.singularResource === want ||
          r.shortNames?.includes(want),
      );
      if (serves && v.version) found.push(name ? `${name}/${v.version}` : v.version);
    }
  }
  return [...new Set(found)];
}
