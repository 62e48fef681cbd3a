// The shape of one benchmark scenario.

/** Why: bench/run.ts runs scenarios uniformly; each prints its own figures and ratios. */
export interface BenchScenario {
  name: string;
  description: string;
  run: (print: (line: string) => void) => Promise<void>;
  /** Runs only when named on the command line (long scenarios such as the 10-minute soak). */
  onlyWhenNamed?: boolean;
}
