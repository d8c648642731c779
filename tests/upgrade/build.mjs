/**
 * The two versions the upgrade test runs, built once and cached under
 * node_modules/.cache/redrive-upgrade/:
 *
 *   <sha of the old tag>/   the previous release as it ran then: a checkout with
 *                           its own node_modules (npm ci) and .next (next build),
 *                           started with `node scripts/start.mjs` and tsx
 *   new-<hash>/release/     the new version's release folder (`npm run release`),
 *                           keyed by the hash of the sources it was built from
 *
 * Both are built in a temporary folder and copied into the cache when done, so
 * an interrupted build never leaves a cache entry behind. Nothing here writes
 * to the working tree: the new version is built from a copy of it.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { TOOL_BUNDLE } from "../../scripts/release.mjs";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const CACHE = join(ROOT, "node_modules", ".cache", "redrive-upgrade");
const BUILT = ".upgrade-built";

/** Runs a command; its output goes to `log` and is shown only when it fails. */
export function run(cmd, args, cwd, env = {}, log = null) {
  const res = spawnSync(cmd, args, {
    cwd,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const output = `${res.stdout ?? ""}${res.stderr ?? ""}`;
  if (log) writeFileSync(log, output, { flag: "a" });
  if (res.error || res.status !== 0) {
    const tail = output.split("\n").slice(-40).join("\n");
    throw new Error(`${cmd} ${args.join(" ")} failed (${res.status ?? res.error}):\n${tail}`);
  }
  return res.stdout.trim();
}

export const git = (args, cwd = ROOT) => run("git", args, cwd);

/** Temporary worktrees not yet removed: an interrupted run removes them on its way out. */
const worktrees = new Set();

function addWorktree(dir, commit) {
  git(["worktree", "add", "--detach", dir, commit]);
  worktrees.add(dir);
}

function removeWorktree(dir) {
  spawnSync("git", ["worktree", "remove", "--force", dir], { cwd: ROOT });
  worktrees.delete(dir);
}

process.on("exit", () => {
  for (const dir of worktrees) removeWorktree(dir);
});

function timed(label, fn) {
  const t0 = Date.now();
  const out = fn();
  console.log(`[build] ${label}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return out;
}

/** `next build` the way the repository's scripts run it (production, no telemetry). */
function nextBuild(dir, log) {
  const next = join(dir, "node_modules", "next", "dist", "bin", "next");
  run(process.execPath, [next, "build"], dir, { NODE_ENV: "production" }, log);
}

/**
 * The previous release's checkout, built; from the cache when its commit was
 * built before. The temporary worktree is removed whatever happens.
 */
export function buildOld(tag) {
  const sha = git(["rev-parse", `${tag}^{commit}`]);
  const dest = join(CACHE, sha);
  if (existsSync(join(dest, BUILT))) {
    console.log(`[build] ${tag} (${sha.slice(0, 7)}): cached in ${dest}`);
    return { dir: dest, sha, cached: true };
  }
  const tmp = mkdtempSync(join(tmpdir(), "redrive-upgrade-old-"));
  const src = join(tmp, "src");
  const log = join(tmp, "build.log");
  try {
    addWorktree(src, sha);
    // Its own lockfile, as it was released; browsers are never needed here.
    const npmEnv = { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1", npm_config_update_notifier: "false" };
    timed(`${tag}: npm ci`, () => run("npm", ["ci", "--no-audit", "--no-fund"], src, npmEnv, log));
    timed(`${tag}: next build`, () => nextBuild(src, log));
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dirname(dest), { recursive: true });
    // The worktree's .git file points at this repository's worktree list: not part of the build.
    cpSync(src, dest, {
      recursive: true,
      verbatimSymlinks: true,
      filter: (p) => p !== join(src, ".git"),
    });
    writeFileSync(join(dest, BUILT), `${tag} ${sha}\n`);
    return { dir: dest, sha, cached: false };
  } finally {
    removeWorktree(src);
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The working tree's files (tracked and untracked, not ignored) that exist. */
function workingFiles() {
  const listed = git(["ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
  return [...new Set(listed.split("\0").filter(Boolean))].filter((f) => existsSync(join(ROOT, f)));
}

/** The harness's consumer (consumer.ts), bundled against this version's lib/ as release.mjs bundles its tools. */
export async function bundleConsumer(src, outfile) {
  await build({ ...TOOL_BUNDLE, entryPoints: [join(src, CONSUMER)], absWorkingDir: src, outfile });
}

export const CONSUMER = "tests/upgrade/consumer.ts";

/** What a build depends on: every source file but the tests and the docs, and the consumer. */
function sourceHash(dir, files) {
  const hash = createHash("sha256");
  hash.update(readFileSync(join(ROOT, CONSUMER)));
  for (const f of [...files].sort()) {
    if (/^(tests|docs)\/|\.md$/.test(f)) continue;
    hash
      .update(`${f}\0`)
      .update(readFileSync(join(dir, f)))
      .update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * node_modules for a copy of the checkout: hard links to this checkout's
 * packages (seconds, no network) when the lockfile is the same, else npm ci.
 * Turbopack refuses a symlinked node_modules, hence the links. The upgrade
 * cache itself is left out.
 */
function installModules(src, log) {
  const same =
    readFileSync(join(src, "package-lock.json"), "utf8") ===
    readFileSync(join(ROOT, "package-lock.json"), "utf8");
  if (!same) {
    run(
      "npm",
      ["ci", "--no-audit", "--no-fund"],
      src,
      { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" },
      log,
    );
    return;
  }
  const from = join(ROOT, "node_modules");
  for (const entry of readdirSync(from)) {
    if (entry === ".cache") continue;
    run("cp", ["-al", join(from, entry), join(src, "node_modules", entry)], ROOT);
  }
}

/** Copies the listed files of the working tree into `src` (mode "here"). */
function copyWorkingTree(src) {
  const files = workingFiles();
  for (const f of files) {
    mkdirSync(dirname(join(src, f)), { recursive: true });
    cpSync(join(ROOT, f), join(src, f), { verbatimSymlinks: true });
  }
  return files;
}

/**
 * The new version's release folder. `mode` "here" builds the working tree as
 * it is now (uncommitted changes included), "worktree" builds the committed
 * HEAD from a temporary git worktree.
 */
export async function buildNew(mode) {
  const tmp = mkdtempSync(join(tmpdir(), "redrive-upgrade-new-"));
  const src = join(tmp, "src");
  const log = join(tmp, "build.log");
  let worktree = false;
  try {
    let files;
    if (mode === "worktree") {
      addWorktree(src, "HEAD");
      worktree = true;
      files = git(["ls-files", "-z"], src).split("\0").filter(Boolean);
    } else {
      mkdirSync(src, { recursive: true });
      files = copyWorkingTree(src);
    }
    const key = `new-${sourceHash(src, files)}`;
    const dest = join(CACHE, key);
    const label =
      mode === "worktree" ? `HEAD ${git(["rev-parse", "--short", "HEAD"])}` : "the working tree";
    if (existsSync(join(dest, BUILT))) {
      console.log(`[build] new (${label}): cached in ${dest}`);
      return {
        dir: join(dest, "release"),
        consumer: join(dest, "consumer.mjs"),
        label,
        cached: true,
      };
    }
    mkdirSync(join(src, "node_modules"), { recursive: true });
    timed("new: node_modules", () => installModules(src, log));
    timed(`new (${label}): next build`, () => nextBuild(src, log));
    const release = join(tmp, "release");
    timed("new: release folder", () =>
      run(process.execPath, ["scripts/release.mjs", release], src, {}, log),
    );
    // The committed HEAD may not have the harness's consumer yet: it is the harness's, not the version's.
    cpSync(join(ROOT, CONSUMER), join(src, CONSUMER));
    await bundleConsumer(src, join(tmp, "consumer.mjs"));
    // One new build is kept: the previous ones are of sources that have changed since.
    mkdirSync(CACHE, { recursive: true });
    for (const old of readdirSync(CACHE))
      if (old.startsWith("new-")) rmSync(join(CACHE, old), { recursive: true, force: true });
    mkdirSync(dest, { recursive: true });
    cpSync(release, join(dest, "release"), { recursive: true, verbatimSymlinks: true });
    cpSync(join(tmp, "consumer.mjs"), join(dest, "consumer.mjs"));
    writeFileSync(join(dest, BUILT), `${label}\n`);
    return {
      dir: join(dest, "release"),
      consumer: join(dest, "consumer.mjs"),
      label,
      cached: false,
    };
  } finally {
    if (worktree) removeWorktree(src);
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * A copy of a built folder to run from, as release.test.ts runs one from an
 * empty folder. node_modules (600 MB in the old checkout) is hard-linked: no
 * process writes into its packages; everything else is copied.
 */
export function copyTree(from, to) {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from)) {
    const flags = entry === "node_modules" ? "-al" : "-a";
    run("cp", [flags, join(from, entry), join(to, entry)], ROOT);
  }
}
