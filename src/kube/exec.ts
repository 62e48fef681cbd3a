// Runs a command in a container over the Kubernetes exec WebSocket protocol (v5/v4.channel.k8s.io).
import type { ClusterClient } from "./client.js";
import { fromNetworkError, fromResponse, KubeError } from "./errors.js";

/** Why: what an exec produced, bounded in size. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  truncated: boolean;
}

/** Why: everything exec needs besides the path (built and checked by the scoped client). */
export interface ExecRequest {
  container?: string;
  command: string[];
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
}

const ERROR_BODY_BYTES = 64 * 1024;

interface ExecStatus {
  status?: string;
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

function exitCodeOf(s: ExecStatus): number {
  if (s.status === "Success") return 0;
  const cause = s.details?.causes?.find((c) => c.reason === "ExitCode");
  if (cause?.message !== undefined) return Number(cause.message);
  throw new KubeError("http", `exec failed: ${s.message ?? s.reason ?? "unknown error"}`);
}

/** Why: pods_exec; `path` comes from the path builder. ws is loaded lazily since few sessions ever exec. */
export async function execInPod(client: ClusterClient, path: string, req: ExecRequest): Promise<ExecResult> {
  const { default: WebSocket } = await import("ws");
  const { tls, headers, agent, endpoint } = await client.connection();
  const url = new URL(`${endpoint.replace(/\/$/, "")}${path}`);
  url.protocol = url.protocol === "http:" ? "ws:" : "wss:";
  for (const c of req.command) url.searchParams.append("command", c);
  if (req.container) url.searchParams.set("container", req.container);
  url.searchParams.set("stdout", "true");
  url.searchParams.set("stderr", "true");
  const ws = new WebSocket(url, ["v5.channel.k8s.io", "v4.channel.k8s.io"], {
    ...tls,
    headers: headers as Record<string, string>,
    ...(agent ? { agent } : {}),
    handshakeTimeout: req.timeoutMs,
  });
  return new Promise<ExecResult>((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let truncated = false;
    let status: ExecStatus | undefined;
    let done = false;
    const finish = (fn: () => void): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.signal?.removeEventListener("abort", onAbort);
      ws.terminate();
      fn();
    };
    const timer = setTimeout(
      () => finish(() => reject(new KubeError("timeout", `exec did not finish within ${req.timeoutMs} ms`))),
      Math.min(req.timeoutMs, 2_147_483_647),
    );
    const onAbort = (): void => finish(() => reject(new KubeError("cancelled", "exec cancelled")));
    req.signal?.addEventListener("abort", onAbort, { once: true });
    ws.on("message", (data: Buffer) => {
      const channel = data[0];
      const payload = data.subarray(1);
      if (channel === 3) {
        try {
          status = JSON.parse(payload.toString("utf8")) as ExecStatus;
        } catch {
          status = { status: "Failure", message: payload.toString("utf8") };
        }
        return;
      }
      if (channel !== 1 && channel !== 2) return;
      if (truncated || size + payload.length > req.maxBytes) {
        truncated = true; // nothing after the first dropped chunk, so the output has no silent gap
        return;
      }
      size += payload.length;
      (channel === 1 ? out : err).push(payload);
    });
    ws.on("unexpected-response", (_r, res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on("data", (c: Buffer) => {
        kept += c.length;
        if (kept <= ERROR_BODY_BYTES) chunks.push(c); // an error page is read for its message only
      });
      res.on("end", () => {
        finish(() =>
          reject(
            fromResponse(
              res.statusCode ?? 0,
              Buffer.concat(chunks).toString("utf8"),
              res.headers,
              client.actingAs,
            ),
          ),
        );
      });
    });
    ws.on("error", (e) => finish(() => reject(fromNetworkError(e, client.server))));
    ws.on("close", () =>
      finish(() => {
        try {
          if (!status)
            throw new KubeError("unreachable", "exec stream closed before the command's exit status arrived");
          const exitCode = exitCodeOf(status);
          resolve({
            stdout: Buffer.concat(out).toString("utf8"),
            stderr: Buffer.concat(err).toString("utf8"),
            exitCode,
            truncated,
          });
        } catch (e) {
          reject(e);
        }
      }),
    );
  });
}
