import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, routeFiles } from "../helpers/route-files";
import { describe, expect, it } from "vitest";

/** Reads that answer each caller on its own, and why. */
const FRESH: Record<string, string> = {
  "app/api/admin/dlq/[queue]/message/[index]/route.ts":
    "one whole message, up to 16 MB, opened once: sharing it would only fill the cache",
  "app/api/admin/dlq/[queue]/export/route.ts":
    "a stream of one user's export, audited per request: an answer shared would be an export unaudited",
  "app/api/admin/find/route.ts":
    "one step of one admin's search, each with a new cursor: no other dashboard asks the same",
  "app/api/admin/tokens/route.ts":
    "a small list read only by the tokens page, whose last-used times must be current",
};

describe("admin read routes", () => {
  it("should share their answers between dashboards unless listed as fresh reads", () => {
    const reads = routeFiles("app/api/admin").filter((f) =>
      readFileSync(join(ROOT, f), "utf8").includes("adminRead("),
    );
    expect(reads.length).toBeGreaterThan(10);
    const unshared = reads.filter(
      (f) => !(f in FRESH) && !/\bshared\(/.test(readFileSync(join(ROOT, f), "utf8")),
    );
    expect(unshared).toEqual([]);
    for (const f of Object.keys(FRESH)) expect(reads).toContain(f);
  });
});
