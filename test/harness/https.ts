// A minimal HTTPS client for the harness and tests to talk to test clusters directly (not through the server).
import { request } from "node:https";

/** Why: tests verify effects on a cluster independently of the code under test. */
export interface ApiTarget {
  server: string;
  ca: string;
  token: string;
}

/** Why: a response with the status kept, so tests can assert 403/404 as well as bodies. */
export interface ApiResponse {
  status: number;
  body: string;
  json: <T = unknown>() => T;
}

/** Why: one request against a test cluster with a hard timeout. */
export function apiRequest(
  target: ApiTarget,
  method: string,
  path: string,
  body?: unknown,
  contentType = "application/json",
  timeoutMs = 10_000,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, target.server);
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const req = request(
      url,
      {
        method,
        ca: target.ca,
        headers: {
          Authorization: `Bearer ${target.token}`,
          Accept: "application/json",
          ...(payload ? { "Content-Type": contentType, "Content-Length": Buffer.byteLength(payload) } : {}),
          ...headers,
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, body: text, json: <T>() => JSON.parse(text) as T });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout after ${timeoutMs}ms: ${method} ${url}`)));
    req.on("error", reject);
    if (payload) req.write(payload);
    req.end();
  });
}
