import { describe, expect, it } from "vitest";
import { parseTemplates, routeOf, STATIC_ASSETS, UNMATCHED } from "@/lib/metrics/routes";

/** The HTTP histogram's route label: the app's template for a path, never the path. */
const templates = parseTemplates([
  "/",
  "/queues/[queue]",
  "/api/[...path]",
  "/api/admin/dlq/stats",
  "/api/admin/dlq/[queue]",
  "/api/admin/dlq/[queue]/[mode]/[index]",
  "/api/admin/dlq/[queue]/message/[index]",
  "/api/auth/[...nextauth]",
  "/docs/[[...slug]]",
]);

describe("routeOf", () => {
  it("should prefer a literal segment over a parameter when both match", () => {
    expect(routeOf("/api/admin/dlq/stats", templates)).toBe("/api/admin/dlq/stats");
    expect(routeOf("/api/admin/dlq/document", templates)).toBe("/api/admin/dlq/[queue]");
    expect(routeOf("/api/admin/dlq/document/message/3", templates)).toBe(
      "/api/admin/dlq/[queue]/message/[index]",
    );
    expect(routeOf("/api/admin/dlq/document/requeue/3", templates)).toBe(
      "/api/admin/dlq/[queue]/[mode]/[index]",
    );
  });

  it("should fall back on a catch-all when nothing more specific matches", () => {
    expect(routeOf("/api/auth/callback/oidc", templates)).toBe("/api/auth/[...nextauth]");
    expect(routeOf("/api/nothing/here", templates)).toBe("/api/[...path]");
    expect(routeOf("/api", templates)).toBe(UNMATCHED);
    expect(routeOf("/docs", templates)).toBe("/docs/[[...slug]]");
  });

  it("should answer one bounded label when the path is unknown or a static asset", () => {
    expect(routeOf("/", templates)).toBe("/");
    expect(routeOf("/queues", templates)).toBe(UNMATCHED);
    expect(routeOf(`/x/${"a/".repeat(10_000)}`, templates)).toBe(UNMATCHED);
    expect(routeOf("/_next/static/chunks/app.js", templates)).toBe(STATIC_ASSETS);
  });
});
