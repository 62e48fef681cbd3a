// Drives the fake `nsk` STUB (test/stubs/fake-nsk): its clusters file, its invocation log, its environment.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Why: tests point nsk_path (or PATH) at the stub. */
export const FAKE_NSK: string = fileURLToPath(new URL("../../stubs/fake-nsk", import.meta.url));

/** Why: one recorded run of the stub; the token is recorded only as "did it match". */
export interface NskInvocation {
  argv: string[];
  rancherUrl?: string;
  insecure?: string;
  profile?: string;
  confdir?: string;
  tokenMatches: boolean;
  stdinIsTTY: boolean;
}

/** Why: a configured fake nsk: which clusters "Rancher" has, and what it was asked to do. */
export interface FakeNsk {
  setClusters(clusters: Record<string, string>): Promise<void>;
  invocations(): Promise<NskInvocation[]>;
  /** Sets the stub's FAKE_NSK_* variables in process.env (inherited by the spawned stub); returns a restore. */
  useEnv(extra?: Record<string, string>): () => void;
}

/** Why: each test gets its own clusters file and log in `work`. */
export async function makeFakeNsk(work: string, expectedToken: string): Promise<FakeNsk> {
  const clustersFile = join(work, "fake-nsk-clusters.json");
  const logFile = join(work, "fake-nsk-log.jsonl");
  await writeFile(clustersFile, "{}");
  await writeFile(logFile, "");
  return {
    setClusters: (clusters) => writeFile(clustersFile, JSON.stringify(clusters)),
    invocations: async () =>
      (await readFile(logFile, "utf8"))
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as NskInvocation),
    useEnv: (extra = {}) => {
      const vars: Record<string, string> = {
        FAKE_NSK_CLUSTERS: clustersFile,
        FAKE_NSK_LOG: logFile,
        FAKE_NSK_TOKEN: expectedToken,
        ...extra,
      };
      const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
      Object.assign(process.env, vars);
      return () => {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      };
    },
  };
}
