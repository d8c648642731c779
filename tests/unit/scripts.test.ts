import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SCRIPT_NAMES } from "@/lib/redis/scripts";

// scripts.ts skips a file whose name it cannot read, and takes the key count
// from the name: a misnamed file would load as nothing, or with the wrong count.
const LUA_DIR = fileURLToPath(new URL("../../lib/queues/lua", import.meta.url));
const NAME = /^([a-z][a-zA-Z0-9]*)-([1-9]\d*|n)\.lua$/;

const files = readdirSync(LUA_DIR).sort();

/** The block comment a script opens with, or "" when it opens with anything else. */
function header(file: string): string {
  const lua = readFileSync(join(LUA_DIR, file), "utf8");
  if (!lua.startsWith("--[[")) return "";
  const end = lua.indexOf("]]");
  return end < 0 ? "" : lua.slice(0, end);
}

describe("Lua scripts", () => {
  it("should name every file <camelCaseName>-<numKeys|n>.lua when the lua directory is read", () => {
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => !NAME.test(f))).toEqual([]);
  });

  it("should open every script with a header listing its KEYS, ARGV and what it returns when the lua directory is read", () => {
    const lacking = files.flatMap((f) => {
      const h = header(f);
      const missing = [/KEYS\[/, /ARGV\[/, /\bReturns\b/].filter((re) => !re.test(h));
      return missing.length > 0 ? [`${f}: ${missing.map(String).join(", ")}`] : [];
    });
    expect(lacking).toEqual([]);
  });

  it("should list in the header exactly the keys the file name counts when a script is read", () => {
    const wrong = files.flatMap((f) => {
      const count = NAME.exec(f)?.[2];
      const h = header(f);
      if (count === undefined) return [];
      if (count === "n") return h.includes("KEYS[1..n]") ? [] : [`${f}: no KEYS[1..n]`];
      const listed = [...new Set([...h.matchAll(/KEYS\[(\d+)\]/g)].map((m) => Number(m[1])))];
      const expected = Array.from({ length: Number(count) }, (_, i) => i + 1);
      return listed.sort((a, b) => a - b).join() === expected.join()
        ? []
        : [`${f}: KEYS ${listed.join()}`];
    });
    expect(wrong).toEqual([]);
  });

  it("should name exactly the scripts in the lua directory when SCRIPT_NAMES is compared with the files", () => {
    const names = files.map((f) => NAME.exec(f)?.[1] ?? f).sort();
    expect([...SCRIPT_NAMES].sort()).toEqual(names);
    expect(new Set(SCRIPT_NAMES).size).toBe(SCRIPT_NAMES.length);
  });
});
