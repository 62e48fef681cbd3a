// The pure rules behind honest write outcomes: what a failed write did, Retry-After, and field manager names.
import { describe, expect, it } from "vitest";
import {
  fromResponse,
  KubeError,
  retryAfterSeconds,
  withEffect,
  writeEffect,
} from "../../../src/kube/errors.js";
import { fieldManagerFor } from "../../../src/kube/objects.js";

describe("writeEffect", () => {
  it("reads never have one; writes by how far they got and what came back", () => {
    expect(writeEffect("GET", "sent")).toBeUndefined();
    expect(writeEffect("POST", "connecting")).toBe("not-applied");
    expect(writeEffect("DELETE", "sent")).toBe("unknown");
    expect(writeEffect("PATCH", "answered", 200)).toBe("applied");
    expect(writeEffect("PATCH", "answered", 422)).toBe("not-applied");
    expect(writeEffect("PATCH", "answered", 504)).toBe("unknown");
  });

  it("adds the effect's sentence and hint once, keeping the plain message", () => {
    const e = withEffect(new KubeError("lost", "connection lost"), "unknown");
    expect(e.message).toBe("connection lost; outcome unknown: the change may have been made");
    expect(e.hint).toBe("read the object (resources_get) before retrying");
    expect(e.plain).toBe("connection lost");
    expect(withEffect(e, "applied")).toBe(e);
  });
});

describe("Retry-After", () => {
  it("takes seconds or an HTTP date", () => {
    expect(retryAfterSeconds("7")).toBe(7);
    expect(retryAfterSeconds(new Date(60_000).toUTCString(), 0)).toBe(60);
    expect(retryAfterSeconds("soon")).toBeUndefined();
  });

  it("a 429 shows it and says how long to wait", () => {
    const e = fromResponse(429, '{"kind":"Status","message":"slow down"}', { "retry-after": "3" });
    expect(e.message).toBe("429 TooManyRequests: slow down (Retry-After: 3 s)");
    expect(e.hint).toMatch(/wait 3 seconds/);
  });
});

describe("fieldManagerFor", () => {
  it("names the MCP client (and the user when there is one), always a valid field manager", () => {
    expect(fieldManagerFor({})).toBe("k8s-mcp");
    expect(fieldManagerFor({ client: "claude-ai" })).toBe("k8s-mcp/claude-ai");
    expect(fieldManagerFor({ client: "Cursor Agent\u0000\n" })).toBe("k8s-mcp/Cursor-Agent");
    expect(fieldManagerFor({ client: "" })).toBe("k8s-mcp/unnamed-client");
    expect(fieldManagerFor({ client: "x".repeat(500), user: "alice@example.com" })).toBe(
      `k8s-mcp/${"x".repeat(48)}/alice@example.com`,
    );
    expect(fieldManagerFor({ client: "x".repeat(500), user: "y".repeat(500) }).length).toBeLessThanOrEqual(
      128,
    );
  });
});
