// One Kubernetes watch request streamed over node:https: newline-delimited JSON events until the server ends it.
import { request } from "node:https";
import type { ApiTarget } from "./https.js";

/** Why: the event envelope of a watch stream. */
export interface WatchEvent<T> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T;
}

/** Why: callers must relist on 410 Gone and simply rewatch on anything else. */
export class WatchError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** Why: resolves when the server closes the stream or the signal aborts it; rejects with WatchError otherwise. */
export function watchStream<T>(
  target: ApiTarget,
  path: string,
  onEvent: (e: WatchEvent<T>) => void,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return resolve();
    const url = new URL(path, target.server);
    const req = request(url, {
      method: "GET",
      ca: target.ca,
      headers: { Authorization: `Bearer ${target.token}`, Accept: "application/json" },
    });
    const onAbort = (): void => {
      req.destroy();
      resolve();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    const fail = (err: Error): void => {
      signal.removeEventListener("abort", onAbort);
      req.destroy();
      reject(err);
    };
    req.on("error", (err) => (signal.aborted ? resolve() : fail(new WatchError(err.message, 0))));
    req.on("response", (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return fail(new WatchError(`watch ${path}: HTTP ${res.statusCode}`, res.statusCode ?? 0));
      }
      let buf = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buf += chunk;
        let nl = buf.indexOf("\n");
        while (nl >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          nl = buf.indexOf("\n");
          if (!line) continue;
          try {
            const ev = JSON.parse(line) as WatchEvent<T>;
            if (ev.type === "ERROR") {
              const status = ev.object as { code?: number; message?: string };
              return fail(new WatchError(`watch ${path}: ${status.message ?? "error"}`, status.code ?? 0));
            }
            onEvent(ev);
          } catch (err) {
            return fail(new WatchError(`watch ${path}: ${(err as Error).message}`, 0));
          }
        }
      });
      res.on("end", () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      });
      res.on("error", (err) => (signal.aborted ? resolve() : fail(new WatchError(err.message, 0))));
    });
    req.end();
  });
}
