import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** Every .ts file under lib/. */
function sources(dir = "lib"): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

describe("docs/stored-state.md", () => {
  it("should name every own key that lib/ builds when the page is read", () => {
    const page = readFileSync("docs/stored-state.md", "utf8");
    const missing: string[] = [];
    for (const file of sources()) {
      const text = readFileSync(file, "utf8");
      // ownKey(config, "name" or `name…`): the literal part up to a placeholder names the key.
      for (const m of text.matchAll(/ownKey\([^,()]{1,60}, *["`]([^"`$]{1,60})/g)) {
        const name = m[1]!.replace(/:$/, "");
        if (!page.includes(`\`<prefix>:${name}`)) missing.push(`${file}: <prefix>:${name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
