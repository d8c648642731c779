#!/usr/bin/env node
/**
 * `npm run release [-- <folder>]` (after `npm run build`): assembles the
 * folder that production runs from, `release/` unless named. It is exactly
 * what the container image holds (the Dockerfile copies this folder and
 * nothing else), and it runs anywhere Node runs without the source tree, a
 * TypeScript loader or dev dependencies:
 *
 *   .next/, node_modules/   Next's standalone output: the compiled app and only
 *                           the package files its server loads (traced by Next)
 *   .next/static/           the browser's assets (standalone leaves them out)
 *   scripts/server.mjs      the HTTP server (Next behind Redrive's front layer),
 *   scripts/start.mjs       its bounded-heap launcher,
 *   lib/http/front.mjs, lib/client-address.mjs   and the front layer itself
 *   scripts/redrive.mjs     the one command: dashboard | worker | hash-password |
 *                           redis-acl | migrate | migrate-keys | simulate | health
 *   dist/*.mjs              the worker and the command-line tools, bundled into
 *                           plain JavaScript by esbuild
 *   lib/queues/lua/         the Lua scripts, read at start from the working folder
 *   sbom.cdx.json           a CycloneDX SBOM of the production dependencies
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { sbom } from "./supply-chain.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The TypeScript entry points bundled into dist/, by the command that runs them. */
export const TOOLS = {
  worker: "scripts/worker.ts",
  "hash-password": "scripts/hash-password.ts",
  "redis-acl": "scripts/redis-acl.ts",
  "migrate-keys": "scripts/migrate-keys.ts",
  migrate: "scripts/migrate.ts",
  // The demo's traffic simulator, for the compose file's demo profile.
  simulate: "scripts/simulate.ts",
  // The admin API's command line (redrive dlq …).
  cli: "scripts/cli/main.ts",
};

/** Source files copied as they are (plain JavaScript the server loads directly). */
const COPIED = [
  "scripts/server.mjs",
  "scripts/start.mjs",
  "scripts/redrive.mjs",
  "lib/http/front.mjs",
  "lib/client-address.mjs",
  "lib/queues/lua",
];

/**
 * ESM output with CommonJS dependencies inside (ioredis): esbuild's bundle
 * calls require() for Node's built-ins, which an ES module lacks.
 */
const REQUIRE_SHIM =
  "import { createRequire as __redriveRequire } from 'node:module';" +
  "const require = __redriveRequire(import.meta.url);";

function checkBuild() {
  const standalone = join(ROOT, ".next", "standalone");
  const built = join(ROOT, ".next", "BUILD_ID");
  const copy = join(standalone, ".next", "BUILD_ID");
  if (!existsSync(copy) || !existsSync(built)) {
    throw new Error("no standalone build: run `npm run build` first");
  }
  if (readFileSync(copy, "utf8") !== readFileSync(built, "utf8")) {
    throw new Error(".next/standalone is from another build: run `npm run build` again");
  }
  return standalone;
}

/** esbuild's options for a tool run by plain Node.js from a folder without TypeScript. */
export const TOOL_BUNDLE = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // "server-only" resolves to an empty module under this condition, as under tsx.
  conditions: ["react-server"],
  // A native addon cannot be bundled; the standalone node_modules carries it.
  external: ["bcrypt"],
  banner: { js: REQUIRE_SHIM },
  legalComments: "none",
  logLevel: "warning",
};

async function bundleTools(out) {
  await build({
    ...TOOL_BUNDLE,
    entryPoints: TOOLS,
    absWorkingDir: ROOT,
    outdir: join(out, "dist"),
    outExtension: { ".js": ".mjs" },
  });
}

/** Builds the release folder at `out` (emptied first); returns its path. */
export async function assembleRelease(out = join(ROOT, "release")) {
  const target = resolve(out);
  const standalone = checkBuild();
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  // Next links native addons relatively (.next/node_modules): keep them relative, or
  // the copy would point back into this checkout.
  cpSync(standalone, target, { recursive: true, verbatimSymlinks: true });
  // Next's own server.js would start Next without the front layer.
  rmSync(join(target, "server.js"));
  cpSync(join(ROOT, ".next", "static"), join(target, ".next", "static"), { recursive: true });
  for (const path of COPIED) cpSync(join(ROOT, path), join(target, path), { recursive: true });
  await bundleTools(target);
  writeFileSync(join(target, "RELEASE"), `${readFileSync(join(ROOT, ".next", "BUILD_ID"))}\n`);
  // What the release is made of, for the scanners of the teams that run it.
  sbom(join(target, "sbom.cdx.json"));
  return target;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  assembleRelease(process.argv[2]).then(
    (target) => console.log(`release assembled in ${target}`),
    (error) => {
      process.stderr.write(`release: ${error.message}\n`);
      process.exit(1);
    },
  );
}
