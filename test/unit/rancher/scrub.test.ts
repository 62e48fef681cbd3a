// Token scrubbing: the full token, its secret half, and any bearer credential.
import { describe, expect, it } from "vitest";
import { makeScrubber } from "../../../src/rancher/scrub.js";

describe("makeScrubber", () => {
  it("removes the token, its secret part and bearer values", () => {
    const scrub = makeScrubber("token-abcde:0123456789abcdef");
    expect(scrub("bad token-abcde:0123456789abcdef here")).toBe("bad <redacted> here");
    expect(scrub("secret=0123456789abcdef")).toBe("secret=<redacted>");
    expect(scrub("Authorization: Bearer xyz123, next")).toBe("Authorization: Bearer <redacted>, next");
    expect(scrub("nothing to hide")).toBe("nothing to hide");
  });

  it("chains another scrubber (the logger's secrets)", () => {
    const scrub = makeScrubber(undefined, (t) => t.replace("other-secret", "<x>"));
    expect(scrub("an other-secret")).toBe("an <x>");
  });
});
