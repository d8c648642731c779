import { readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

/** The repository's root: route files are named relative to it. */
export const ROOT = resolve(__dirname, "../..");

/** Every route.ts under `dir` (relative to the root), named relative to the root. */
export function routeFiles(dir = "app/api"): string[] {
  const full = join(ROOT, dir);
  return readdirSync(full).flatMap((name) => {
    const path = join(full, name);
    if (statSync(path).isDirectory()) return routeFiles(relative(ROOT, path));
    return name === "route.ts" ? [relative(ROOT, path)] : [];
  });
}
