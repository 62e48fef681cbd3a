// OAuth cost: token validation per call (warm), and JWKS fetches under load (valid tokens, then an unknown-kid storm),
// against the real OpenID provider of the test suite. No cluster is contacted: the HTTP answers stop after auth.
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair, SignJWT } from "jose";
import { buildDeps, closeDeps } from "../src/app.js";
import { TokenVerifier } from "../src/auth/verifier.js";
import { ConfigSchema } from "../src/config/index.js";
import { createLogger } from "../src/log.js";
import { serveHttp } from "../src/transports/http.js";
import { startOidcProvider } from "../test/harness/oidc.js";
import { median, percentile } from "./stats.js";
import type { BenchScenario } from "./types.js";

const AUDIENCE = "https://mcp.bench.example/mcp";
const USERS = Array.from({ length: 8 }, (_, i) => ({
  id: `user-${i}`,
  groups: ["team"],
  scopes: ["k8s:read"],
}));

function post(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const body = '{"jsonrpc":"2.0","id":1,"method":"ping"}';
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: "POST",
        headers: {
          host: u.host,
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function load(url: string, tokens: string[], total: number, concurrency: number): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const token = tokens[next++ % tokens.length] as string;
        const t0 = performance.now();
        await post(url, token);
        times.push(performance.now() - t0);
      }
    }),
  );
  return times;
}

/** Why: the figures: validation cost per call and how often the JWKS is fetched under load. */
export const scenario: BenchScenario = {
  name: "oauth",
  description: "token validation per call (warm) and JWKS fetches under load",
  run: async (print) => {
    const idp = await startOidcProvider(AUDIENCE, USERS);
    const dir = await mkdtemp(join(tmpdir(), "k8s-mcp-bench-oauth-"));
    try {
      const oauth = { issuer: idp.issuer, audience: AUDIENCE, ca_file: idp.caFile };
      const tokens = await Promise.all(USERS.map((u) => idp.token(u.id)));
      const verifier = new TokenVerifier(ConfigSchema.parse({ oauth, port: 0 }).oauth as never);
      for (let i = 0; i < 200; i++) await verifier.verify(tokens[i % tokens.length] as string);
      const N = 5000;
      const each: number[] = [];
      const t0 = performance.now();
      for (let i = 0; i < N; i++) {
        const s = performance.now();
        await verifier.verify(tokens[i % tokens.length] as string);
        each.push(performance.now() - s);
      }
      const total = performance.now() - t0;
      print(
        `warm validation (ES256, ${USERS.length} users, ${N} calls): mean ${((total / N) * 1000).toFixed(0)} µs, median ${(median(each) * 1000).toFixed(0)} µs, p99 ${(percentile(each, 99) * 1000).toFixed(0)} µs; JWKS fetches ${verifier.stats.jwksFetches}`,
      );

      const logger = createLogger({ level: "error", write: () => {} });
      for (const [label, input] of [
        ["static http_token", { kubeconfig_dir: dir, port: 0, http_token: "static-bench-token" }],
        ["[oauth]", { kubeconfig_dir: dir, port: 0, oauth, http_user_rate_limit: 0 }],
      ] as const) {
        const deps = await buildDeps(ConfigSchema.parse(input), logger, {});
        const handle = await serveHttp({
          deps,
          logger,
          host: "127.0.0.1",
          port: 0,
          token: deps.config.http_token,
          idleTimeoutMs: 60_000,
        });
        const jwksBefore = idp.jwksFetches();
        const useTokens = label === "[oauth]" ? tokens : ["static-bench-token"];
        await load(handle.url, useTokens, 200, 16);
        const times = await load(handle.url, useTokens, 4000, 32);
        print(
          `${label}: 4000 HTTP requests, 32 concurrent: median ${(median(times) * 1000).toFixed(0)} µs, p99 ${(percentile(times, 99) * 1000).toFixed(0)} µs; JWKS fetches ${idp.jwksFetches() - jwksBefore}`,
        );
        if (label === "[oauth]") {
          const rogue = (await generateKeyPair("ES256")).privateKey;
          const now = Math.floor(Date.now() / 1000);
          const storm = await Promise.all(
            Array.from({ length: 500 }, (_, i) =>
              new SignJWT({ sub: "x", scope: "k8s:read" })
                .setProtectedHeader({ alg: "ES256", kid: `unknown-${i}` })
                .setIssuer(idp.issuer)
                .setAudience(AUDIENCE)
                .setExpirationTime(now + 300)
                .sign(rogue),
            ),
          );
          const before = idp.jwksFetches();
          await load(handle.url, storm, 500, 32);
          print(
            `unknown-kid storm: 500 requests with 500 unknown kids: JWKS fetches ${idp.jwksFetches() - before}`,
          );
        }
        await handle.close();
        closeDeps(deps);
      }
    } finally {
      await idp.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
