// What the CLI opens on stdio before it loads the MCP SDK: stdin's frames, the start-up answers, the stop signals.
import { FrameQueue } from "./frame-queue.js";
import type { Frame } from "./line-framer.js";
import type { StartupAnswers } from "./startup-answers.js";

/** Why: what the CLI opens before loading the SDK and hands to the stdio transport. */
export interface EarlyStdin {
  frames: FrameQueue;
  maxBytes: number;
  answers?: StartupAnswers;
  /** Resolves with the signal's name on the first SIGINT or SIGTERM, however early it comes. */
  stopped: Promise<string>;
}

/** Why: starts reading the process's stdin now; with `answers`, start-up requests are answered before the SDK loads. */
export function openStdin(maxBytes: number, answers?: StartupAnswers): EarlyStdin {
  const early = answers
    ? (frame: Frame): boolean => answers.answerEarly(frame, (line) => process.stdout.write(line))
    : undefined;
  const stopped = new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  return { frames: new FrameQueue(process.stdin, maxBytes, early), maxBytes, answers, stopped };
}
