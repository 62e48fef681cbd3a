// The Host/Origin and bearer-token guards, directly, plus a server bound beyond loopback.
import { describe, expect, inject, it } from "vitest";
import { bearerMatches, hostOriginProblem, isLoopbackHost } from "../../../src/transports/http-guard.js";
import { INITIALIZE_BODY, mcpHeaders, rawRequest, startHttpTestServer } from "./helpers.js";

const cp = inject("controlplane");

describe("HTTP guards", () => {
  it("recognises loopback bind addresses", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "LOCALHOST"]) {
      expect(isLoopbackHost(h), h).toBe(true);
    }
    for (const h of ["0.0.0.0", "::", "10.0.0.1", "example.com", "128.0.0.1", "localhost.example.com"]) {
      expect(isLoopbackHost(h), h).toBe(false);
    }
  });

  it("checks Host strictly on loopback and Origin against Host elsewhere", () => {
    const strict = { strictHosts: true, port: 8080 };
    expect(hostOriginProblem({ host: "localhost:8080" }, strict)).toBeUndefined();
    expect(
      hostOriginProblem({ host: "[::1]:8080", origin: "http://127.0.0.1:8080" }, strict),
    ).toBeUndefined();
    expect(hostOriginProblem({}, strict)).toBe("missing Host header");
    expect(hostOriginProblem({ host: "localhost:8080/x" }, strict)).toBe("invalid Host header");
    expect(hostOriginProblem({ host: "user@localhost:8080" }, strict)).toBe("invalid Host header");
    expect(hostOriginProblem({ host: "localhost:8081" }, strict)).toBe("Host header not allowed");
    expect(hostOriginProblem({ host: "localhost:8080", origin: "null" }, strict)).toBe(
      "invalid Origin header",
    );
    expect(hostOriginProblem({ host: "localhost:8080", origin: "file://x" }, strict)).toBe(
      "Origin not allowed",
    );
    expect(hostOriginProblem({ host: "localhost:8080", origin: "http://localhost:9999" }, strict)).toBe(
      "Origin not allowed",
    );

    const open = { strictHosts: false, port: 8080 };
    expect(hostOriginProblem({ host: "mcp.example.com:8080" }, open)).toBeUndefined();
    expect(
      hostOriginProblem({ host: "mcp.example.com", origin: "http://mcp.example.com" }, open),
    ).toBeUndefined();
    expect(hostOriginProblem({ host: "mcp.example.com", origin: "https://mcp.example.com" }, open)).toBe(
      "Origin not allowed",
    );
    expect(hostOriginProblem({ host: "mcp.example.com", origin: "http://evil.example.com" }, open)).toBe(
      "Origin not allowed",
    );
  });

  it("with http_allowed_hosts, accepts only the listed names (any port) in Host and Origin", () => {
    const listed = { strictHosts: false, port: 8080, allowedHosts: ["mcp.prod.example.com"] };
    expect(hostOriginProblem({ host: "mcp.prod.example.com" }, listed)).toBeUndefined();
    expect(hostOriginProblem({ host: "MCP.prod.example.com:443" }, listed)).toBeUndefined();
    expect(hostOriginProblem({ host: "rebound.attacker.example" }, listed)).toBe("Host header not allowed");
    expect(hostOriginProblem({ host: "10.1.2.3:8080" }, listed)).toBe("Host header not allowed");
    expect(
      hostOriginProblem({ host: "mcp.prod.example.com", origin: "https://mcp.prod.example.com" }, listed),
    ).toBeUndefined();
    expect(
      hostOriginProblem({ host: "mcp.prod.example.com", origin: "http://evil.example.com" }, listed),
    ).toBe("Origin not allowed");
    // On loopback the list adds names; the loopback names with the right port stay allowed.
    const both = { strictHosts: true, port: 8080, allowedHosts: ["mcp.local"] };
    expect(hostOriginProblem({ host: "localhost:8080" }, both)).toBeUndefined();
    expect(hostOriginProblem({ host: "mcp.local" }, both)).toBeUndefined();
    expect(hostOriginProblem({ host: "other.local" }, both)).toBe("Host header not allowed");
  });

  it("compares bearer tokens exactly", () => {
    expect(bearerMatches("Bearer abc123", "abc123")).toBe(true);
    expect(bearerMatches("bearer   abc123 ", "abc123")).toBe(true);
    for (const h of [undefined, "", "Bearer", "Bearer ", "Bearer abc1234", "Bearer abc12", "Token abc123"]) {
      expect(bearerMatches(h, "abc123"), String(h)).toBe(false);
    }
  });

  it("refuses to start with an empty token instead of silently serving without authentication", async () => {
    await expect(startHttpTestServer({ kubeconfig_dir: cp.kubeconfigDir }, { token: "" })).rejects.toThrow(
      /http_token is set but empty/,
    );
  });

  it("restricts Host to http_allowed_hosts on a server bound beyond loopback", async () => {
    const srv = await startHttpTestServer(
      { kubeconfig_dir: cp.kubeconfigDir },
      { host: "0.0.0.0", token: "t0ken-for-allowed-hosts", allowedHosts: ["mcp.prod.example.com"] },
    );
    try {
      const url = `http://127.0.0.1:${srv.handle.port}/mcp`;
      const auth = { authorization: "Bearer t0ken-for-allowed-hosts" };
      const ok = await rawRequest(url, {
        method: "POST",
        headers: mcpHeaders({ ...auth, host: "mcp.prod.example.com" }),
        body: INITIALIZE_BODY,
      });
      expect(ok.status).toBe(200);
      const rebound = await rawRequest(url, {
        method: "POST",
        headers: mcpHeaders({ ...auth, host: "rebound.attacker.example" }),
        body: INITIALIZE_BODY,
      });
      expect(rebound.status).toBe(403);
    } finally {
      await srv.close();
    }
  });

  it("warns loudly when bound beyond loopback without a token, and does not restrict Host there", async () => {
    const srv = await startHttpTestServer({ kubeconfig_dir: cp.kubeconfigDir }, { host: "0.0.0.0" });
    try {
      expect(srv.logs.join("")).toMatch(/WARN !!! HTTP server bound to 0\.0\.0\.0 WITHOUT authentication/);
      const port = srv.handle.port;
      const url = `http://127.0.0.1:${port}/mcp`;
      const named = await rawRequest(url, {
        method: "POST",
        headers: mcpHeaders({ host: `mcp.example.com:${port}` }),
        body: INITIALIZE_BODY,
      });
      expect(named.status).toBe(200);
      const crossSite = await rawRequest(url, {
        method: "POST",
        headers: mcpHeaders({ host: `mcp.example.com:${port}`, origin: "http://evil.example.com" }),
        body: INITIALIZE_BODY,
      });
      expect(crossSite.status).toBe(403);
    } finally {
      await srv.close();
    }
  });
});
