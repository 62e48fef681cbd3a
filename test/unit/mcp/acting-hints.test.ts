// The hint of a refusal follows who the request was sent as: the kubeconfig's identity, an impersonated user, or
// the user's own token (cluster_auth); it names the user and groups and never a credential.
import { describe, expect, it } from "vitest";
import { fromResponse, withEffect } from "../../../src/kube/errors.js";
import { explainError } from "../../../src/mcp/results.js";

const FORBIDDEN = JSON.stringify({
  kind: "Status",
  reason: "Forbidden",
  message: 'pods is forbidden: User "oidc:alice" cannot list resource "pods"',
});

describe("refusal hints by identity", () => {
  it("the kubeconfig's own identity keeps the generic hint", () => {
    expect(explainError(fromResponse(403, FORBIDDEN))).toContain("the kubeconfig's identity lacks RBAC");
    expect(explainError(fromResponse(401, "{}"))).toContain("rejected the kubeconfig's credentials");
  });

  it("an impersonated user is named with at most five groups", () => {
    const groups = ["a", "b", "c", "d", "e", "f", "g"];
    const text = explainError(
      fromResponse(403, FORBIDDEN, {}, { kind: "impersonate", user: "oidc:alice", groups }),
    );
    expect(text).toContain(
      "user 'oidc:alice' with groups 'a', 'b', 'c', 'd', 'e' and 2 more (impersonated by this server)",
    );
    expect(text).not.toContain("kubeconfig's identity");
    // The impersonating credential rejected outright is the kubeconfig's problem: the generic hint stays.
    expect(
      explainError(fromResponse(401, "{}", {}, { kind: "impersonate", user: "oidc:alice", groups: [] })),
    ).toContain("rejected the kubeconfig's credentials");
  });

  it("a passthrough refusal speaks of the user's own token", () => {
    const as = { kind: "bearer", user: "oidc:bob" } as const;
    expect(explainError(fromResponse(403, FORBIDDEN, {}, as))).toContain(
      "judged this by your own token (user 'oidc:bob' here;",
    );
    expect(explainError(fromResponse(401, "{}", {}, as))).toContain(
      "this cluster rejected your own token (user 'oidc:bob';",
    );
  });

  it("a write's effect keeps the identity (nothing was changed, and who was refused)", () => {
    const as = { kind: "impersonate", user: "oidc:carol", groups: [] } as const;
    const text = explainError(withEffect(fromResponse(403, FORBIDDEN, {}, as), "not-applied"));
    expect(text).toContain("nothing was changed");
    expect(text).toContain("user 'oidc:carol' with no groups");
  });
});
