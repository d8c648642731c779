import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The production build (`next build`) that the demo and the benchmarks serve
 * with `next start`: rebuilt only when a source is newer than .next/BUILD_ID.
 */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** What a production build is made from: newer files here mean the build is stale. */
const SOURCES = [
  "app",
  "lib",
  "components",
  "proxy.ts",
  "instrumentation.ts",
  "next.config.js",
  "postcss.config.mjs",
  "tailwind.config.ts",
  "package-lock.json",
];

/** Under SOURCES but never part of the app (the demo's simulator): editing it needs no rebuild. */
const NOT_BUILT = [join("lib", "demo")];

function newestMtime(path: string): { ms: number; file: string } {
  if (!existsSync(path)) return { ms: 0, file: path };
  if (NOT_BUILT.some((dir) => path === join(ROOT, dir))) return { ms: 0, file: path };
  const st = statSync(path);
  if (!st.isDirectory()) return { ms: st.mtimeMs, file: path };
  let newest = { ms: 0, file: path };
  for (const entry of readdirSync(path)) {
    const n = newestMtime(join(path, entry));
    if (n.ms > newest.ms) newest = n;
  }
  return newest;
}

/** Why the build is stale, or null when .next/BUILD_ID is newer than every source. */
export function staleBuildReason(): string | null {
  const buildId = join(ROOT, ".next", "BUILD_ID");
  const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const newest = SOURCES.map((s) => newestMtime(join(ROOT, s))).reduce((a, b) =>
    b.ms > a.ms ? b : a,
  );
  if (built > 0 && built >= newest.ms) return null;
  return built === 0
    ? ".next/BUILD_ID is missing"
    : `${newest.file.slice(ROOT.length)} is newer than .next/BUILD_ID`;
}

/**
 * Runs `next build` when the build is stale; returns the seconds spent (0 when
 * the build was current). `tag` prefixes the one line saying why it builds.
 */
export function ensureProductionBuild(tag = "[build]"): number {
  const why = staleBuildReason();
  if (why === null) return 0;
  console.log(`${tag} building the production app (next build): ${why}`);
  // next build expects production (an inherited "development" or "test" would be wrong here).
  const env = { ...process.env, NODE_ENV: "production" as const, NEXT_TELEMETRY_DISABLED: "1" };
  const t0 = performance.now();
  const res = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    cwd: ROOT,
    env,
    stdio: "inherit",
  });
  if (res.error) throw res.error;
  if (res.status !== 0) throw new Error(`next build exited with ${res.status ?? res.signal}`);
  return (performance.now() - t0) / 1000;
}
