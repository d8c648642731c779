import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");

/** Reads that answer each caller on its own, and why. */
const FRESH: Record<string, string> = {
  "app/api/admin/dlq/[queue]/message/[index]/route.ts":
    "one whole message, up to 16 MB, opened once: sharing it would only fill the cache",
  "app/api/admin/tokens/route.ts":
    "a small list read only by the tokens page, whose last-used times must be current",
};

function routeFiles(dir = join(ROOT, "app/api/admin")): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return routeFiles(full);
    return name === "route.ts" ? [relative(ROOT, full)] : [];
  });
}

describe("admin read routes", () => {
  it("should share their answers between dashboards unless listed as fresh reads", () => {
    const reads = routeFiles().filter((f) =>
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
