// A real OpenID provider (the certified `oidc-provider` package) served in-process over TLS on loopback. Tokens are
// minted through its token endpoint with the client_credentials grant: each client stands for one user, whose
// groups it adds as a claim. The signing key is the test's own, so tests can also forge well-signed bad tokens.
import { writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, request, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import Provider from "oidc-provider";
import { makeStubCertificates } from "../stubs/stub-tls.js";

/** Why: one user of the team: the client id is the user name (`sub`), `groups` become the groups claim. */
export interface TeamUser {
  id: string;
  groups: string[];
  /** The scopes this user may be granted. */
  scopes: string[];
}

/** Why: what tests need of the provider: its issuer, the CA to trust, token minting, its private key. */
export interface OidcProvider {
  issuer: string;
  /** PEM of the CA that signed the provider's TLS certificate (oauth.ca_file). */
  ca: string;
  caFile: string;
  /** The private signing key (ES256) and its kid, for forging tokens with bad claims but a real signature. */
  signingKey: SigningKey;
  kid: string;
  /** Mints an access token through the real token endpoint (client_credentials + resource indicator). */
  token: (user: string, opts?: { scope?: string; resource?: string }) => Promise<string>;
  /** How many times the JWKS endpoint was fetched. */
  jwksFetches: () => number;
  close: () => Promise<void>;
}

/** Why: the provider's private key as jose hands it out. */
export type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

/** Why: the secret of every test client (the grant needs one; it is not under test). */
const CLIENT_SECRET = "test-client-secret-0123456789abcdef";

/** Why: starts the provider; `audience` is the one resource indicator tokens are issued for by default. */
export async function startOidcProvider(audience: string, users: TeamUser[]): Promise<OidcProvider> {
  const tls = await makeStubCertificates();
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  const kid = "test-key-1";
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: "ES256", use: "sig" };
  let jwksFetches = 0;
  let handler: (req: IncomingMessage, res: ServerResponse) => void = () => {};
  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    if (req.url?.startsWith("/jwks")) jwksFetches++;
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const groupsOf = new Map(users.map((u) => [u.id, u.groups]));
  const scopesOf = new Map(users.map((u) => [u.id, u.scopes]));
  const provider = new Provider(issuer, {
    clients: users.map((u) => ({
      client_id: u.id,
      client_secret: CLIENT_SECRET,
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
      scope: u.scopes.join(" "),
      id_token_signed_response_alg: "ES256",
    })),
    jwks: { keys: [jwk] },
    ttl: { ClientCredentials: 600 },
    scopes: ["k8s:read", "k8s:write"],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => ({
          scope: "k8s:read k8s:write",
          audience: resource,
          accessTokenFormat: "jwt",
          accessTokenTTL: 600,
          jwt: { sign: { alg: "ES256" } },
        }),
      },
    },
    extraTokenClaims: (_ctx: unknown, token: { clientId?: string }) => {
      const id = token.clientId ?? "";
      return { groups: groupsOf.get(id) ?? [] };
    },
  });
  handler = provider.callback();
  const caFile = join(tls.dir, "idp-ca.pem");
  await writeFile(caFile, tls.ca);
  const token = async (user: string, opts: { scope?: string; resource?: string } = {}): Promise<string> => {
    const body = new URLSearchParams({
      grant_type: "client_credentials",
      resource: opts.resource ?? audience,
    });
    // Without `scope`, the user asks for every scope they may be granted.
    body.set("scope", opts.scope ?? scopesOf.get(user)?.join(" ") ?? "");
    const text = await new Promise<string>((resolve, reject) => {
      const req = request(
        `${issuer}/token`,
        {
          method: "POST",
          ca: tls.ca,
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            authorization: `Basic ${Buffer.from(`${user}:${CLIENT_SECRET}`).toString("base64")}`,
          },
          timeout: 10_000,
        },
        (res) => {
          let data = "";
          res.on("data", (c: Buffer) => {
            data += c.toString("utf8");
          });
          res.on("end", () =>
            res.statusCode === 200
              ? resolve(data)
              : reject(new Error(`token endpoint ${res.statusCode}: ${data}`)),
          );
        },
      );
      req.on("timeout", () => req.destroy(new Error("token endpoint timed out")));
      req.on("error", reject);
      req.end(body.toString());
    });
    return (JSON.parse(text) as { access_token: string }).access_token;
  };
  return {
    issuer,
    ca: tls.ca,
    caFile,
    signingKey: privateKey,
    kid,
    token,
    jwksFetches: () => jwksFetches,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
