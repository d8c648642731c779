#!/usr/bin/env node
// The whole test suite: static checks, unit/integration tests (vitest) and, when
// configured, browser tests (playwright). Every step runs even if an earlier one
// fails; a single summary line is printed at the end.
//
// Counting: typecheck, lint, format and the production build each count as ONE
// test (passed or failed).
// Vitest and Playwright contribute their real per-test counts, read from their
// JSON reporters.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const TMP = mkdtempSync(join(tmpdir(), "redrive-tests-"));

const childEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
if (process.env.CI === "true") {
  childEnv.FORCE_COLOR = "0";
  // picocolors/tinyrainbow (vitest, next) treat any FORCE_COLOR as "on";
  // NO_COLOR is what actually turns them off.
  childEnv.NO_COLOR = "1";
}

const totals = { passed: 0, failed: 0, skipped: 0 };

function header(step) {
  console.log(`\n== ${step} ==`);
}

/**
 * Run a local binary through npx. `--no` refuses to download a missing package;
 * `--` stops npm from parsing the tool's own flags (e.g. --noEmit) as npm config.
 */
function npx(args, extraEnv = {}) {
  const res = spawnSync("npx", ["--no", "--", ...args], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...childEnv, ...extraEnv },
  });
  if (res.error) console.error(`failed to start npx ${args[0]}: ${res.error.message}`);
  return res.status ?? 1;
}

/**
 * A supply-chain check (scripts/supply-chain.mjs) as one test; exit 2 means
 * it could not run here (the registry does not answer audits): one skip.
 */
function supplyChain(step) {
  header(step);
  const res = spawnSync(process.execPath, ["scripts/supply-chain.mjs", step], {
    cwd: ROOT,
    stdio: "inherit",
    env: childEnv,
  });
  if (res.status === 0) totals.passed += 1;
  else if (res.status === 2) totals.skipped += 1;
  else totals.failed += 1;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

// A check counts as one test.
function check(step, args) {
  header(step);
  if (npx(args) === 0) totals.passed += 1;
  else totals.failed += 1;
}

/**
 * Adds a runner's counts to the totals. `counts` is null when its JSON report is
 * missing (a crash); a non-zero exit with no failed test is a suite-level error
 * (a file that fails to import, an unhandled rejection, no test files): both
 * count as one failure.
 */
function addRunner(name, code, counts) {
  if (!counts) {
    console.error(`${name}: no JSON report produced (crash?), counting 1 failure`);
    totals.failed += 1;
    return;
  }
  let { passed, failed, skipped } = counts;
  if (code !== 0 && failed === 0) {
    console.error(`${name} exited with code ${code} without failed tests, counting 1 failure`);
    failed = 1;
  }
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
}

function vitest() {
  header("vitest");
  const out = join(TMP, "vitest.json");
  const code = npx([
    "vitest",
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${out}`,
  ]);
  const report = readJson(out);
  addRunner(
    "vitest",
    code,
    report && {
      passed: report.numPassedTests ?? 0,
      failed: report.numFailedTests ?? 0,
      skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    },
  );
}

function playwright() {
  if (!existsSync(join(ROOT, "playwright.config.ts"))) return;
  header("playwright");
  const out = join(TMP, "playwright.json");
  const code = npx(["playwright", "test", "--reporter=list,json"], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: out,
  });
  const stats = readJson(out)?.stats;
  addRunner(
    "playwright",
    code,
    stats && {
      passed: stats.expected ?? 0,
      failed: (stats.unexpected ?? 0) + (stats.flaky ?? 0),
      skipped: stats.skipped ?? 0,
    },
  );
}

try {
  check("typecheck", ["tsc", "--noEmit"]);
  check("lint", ["eslint", ".", "--max-warnings", "0"]);
  check("format", ["prettier", "--check", "."]);
  supplyChain("licenses");
  supplyChain("audit");
  // The API tests serve this production build with `next start`.
  check("build", ["next", "build"]);
  vitest();
  playwright();
} finally {
  rmSync(TMP, { recursive: true, force: true });
}

let summary = `${totals.passed} passed, ${totals.failed} failed`;
if (totals.skipped > 0) summary += `, ${totals.skipped} skipped`;
console.log("");
console.log(summary);
process.exit(totals.failed > 0 ? 1 : 0);
