// The shape of one benchmark scenario.

/** Why: bench/run.ts runs scenarios uniformly; each prints its own figures and ratios. */
export interface BenchScenario {
  name: string;
  description: string;
  run: (print: (line: string) => void) => Promise<void>;
}
