// STUB of the kubelet's node endpoints (not a kubelet): the log query (/logs/?query=) and /stats/summary, rendered
// deterministically so tests know exactly what the REAL apiserver's node proxy must hand back.

/** Why: lines each known log source has. */
export const NODE_LOG_LINES = 200;

/** Why: the sources the stub knows: services (journal) and files under /var/log. */
export const NODE_LOG_SOURCES = ["kubelet", "containerd", "/kubelet.log", "/syslog"] as const;

/** Why: tests compute expected log lines with the same function the stub serves them from. */
export function nodeLogLine(node: string, source: string, i: number): string {
  return `${node} ${source} line ${i}`;
}

/** Why: the body of one node log query; undefined when the source is unknown (the stub answers 404). */
export function renderNodeLog(node: string, query: URLSearchParams): string | undefined {
  const source = query.get("query") ?? "";
  if (!(NODE_LOG_SOURCES as readonly string[]).includes(source)) return undefined;
  const tailText = query.get("tailLines");
  const tail = tailText && /^\d+$/.test(tailText) ? Number(tailText) : undefined;
  const all = Array.from({ length: NODE_LOG_LINES }, (_, i) => nodeLogLine(node, source, i + 1));
  const kept = tail === undefined ? all : tail === 0 ? [] : all.slice(-tail);
  return kept.map((l) => `${l}\n`).join("");
}

/** Why: a Summary object shaped like the kubelet's (stats/v1alpha1), with fixed numbers tests can assert. */
export function renderStatsSummary(
  node: string,
  pods: readonly { namespace: string; name: string }[],
): string {
  const time = "2026-01-01T00:00:00Z";
  return JSON.stringify({
    node: {
      nodeName: node,
      startTime: time,
      cpu: { time, usageNanoCores: 250_000_000, usageCoreNanoSeconds: 1_000_000_000_000 },
      memory: {
        time,
        workingSetBytes: 1_073_741_824,
        availableBytes: 7_516_192_768,
        usageBytes: 1_200_000_000,
      },
      fs: { time, usedBytes: 10_737_418_240, capacityBytes: 107_374_182_400, availableBytes: 96_636_764_160 },
      network: { time, name: "eth0", rxBytes: 1000, txBytes: 2000 },
    },
    pods: pods.map((p) => ({
      podRef: { namespace: p.namespace, name: p.name, uid: `${p.namespace}-${p.name}` },
      startTime: time,
      cpu: { time, usageNanoCores: 1_000_000 },
      memory: { time, workingSetBytes: 10_485_760 },
    })),
  });
}
