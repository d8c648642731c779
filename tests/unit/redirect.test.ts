import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "@/lib/auth/redirect";

describe("safeCallbackPath", () => {
  it("should keep a path of this site with its query and fragment", () => {
    expect(safeCallbackPath("/queues/document?q=a#x")).toBe("/queues/document?q=a#x");
    expect(safeCallbackPath("/")).toBe("/");
  });

  it("should send anything a browser would read as another site to the overview", () => {
    for (const evil of [
      "/\\evil.example",
      "/\t/evil.example",
      "//evil.example",
      "\\\\evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "http://redrive.invalid.evil.example/",
    ]) {
      expect(safeCallbackPath(evil), evil).toBe("/");
    }
  });

  it("should never return a path that starts with two slashes", () => {
    for (const tricky of ["/.//evil.example", "/a/..//evil.example", "/%2e//evil.example"]) {
      expect(safeCallbackPath(tricky).startsWith("//"), tricky).toBe(false);
    }
  });

  it("should answer the overview when there is nothing usable", () => {
    expect(safeCallbackPath(undefined)).toBe("/");
    expect(safeCallbackPath("")).toBe("/");
    expect(safeCallbackPath("http://[::1")).toBe("/");
  });
});
