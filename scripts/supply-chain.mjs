#!/usr/bin/env node
// @ts-check
/**
 * The production dependencies' supply chain (supply-chain.json holds the
 * policy; docs/releasing.md explains it):
 *
 *   node scripts/supply-chain.mjs audit      npm audit --omit=dev: no high or critical
 *                                            advisory unless allowed (with a reason and a date);
 *                                            exit 2 when the registry cannot answer (said on one line)
 *   node scripts/supply-chain.mjs licenses   every production package's licence (from
 *                                            package-lock.json) allowed, or an exception
 *   node scripts/supply-chain.mjs sbom FILE  a CycloneDX SBOM of the production dependencies
 *
 * `npm test` runs the first two (the audit counts as skipped when it cannot run).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * @typedef {{ package: string; license: string; reason: string; date: string }} LicenseException
 * @typedef {{ id: string; package: string; reason: string; date: string }} AuditAllowance
 * @typedef {{ licenses: { allowed: string[]; exceptions: LicenseException[] }; audit: { allow: AuditAllowance[] } }} Policy
 * @typedef {{ ok: boolean; lines: string[] }} Verdict
 */

/** @returns {Policy} */
export function readPolicy(file = join(ROOT, "supply-chain.json")) {
  return JSON.parse(readFileSync(file, "utf8"));
}

/**
 * A package name against a pattern that may end in `*` (`@img/sharp-*`).
 * @param {string} pattern
 * @param {string} name
 */
function nameMatches(pattern, name) {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

/**
 * Whether an SPDX expression is satisfied by the allowed identifiers: every
 * operand of AND, any of OR, parentheses grouping (read by a small recursive
 * parser over whitespace- and parenthesis-separated tokens).
 * @param {string} expression
 * @param {(id: string) => boolean} allowed
 */
export function spdxSatisfied(expression, allowed) {
  const tokens = expression
    .replaceAll("(", " ( ")
    .replaceAll(")", " ) ")
    .split(" ")
    .filter(Boolean);
  let at = 0;
  /** @returns {boolean} */
  const operand = () => {
    const token = tokens[at++];
    if (token === "(") {
      const value = orList();
      at++; // ")"
      return value;
    }
    // "X WITH exception" is judged by X.
    if (tokens[at] === "WITH") at += 2;
    return token !== undefined && allowed(token.replace(/\+$/, ""));
  };
  const andList = () => {
    let value = operand();
    while (tokens[at] === "AND") {
      at++;
      value = operand() && value;
    }
    return value;
  };
  const orList = () => {
    let value = andList();
    while (tokens[at] === "OR") {
      at++;
      value = andList() || value;
    }
    return value;
  };
  return orList();
}

/**
 * @param {{ packages: Record<string, { dev?: boolean; license?: string; version?: string }> }} lock
 * @param {Policy["licenses"]} policy
 * @returns {Verdict}
 */
export function checkLicenses(lock, policy) {
  const allowed = new Set(policy.allowed);
  const ids = (/** @type {string} */ id) => allowed.has(id);
  const problems = [];
  let count = 0;
  for (const [path, pkg] of Object.entries(lock.packages)) {
    if (!path || pkg.dev) continue;
    count++;
    const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    const license = pkg.license ?? "UNKNOWN";
    // An exception allows one more licence for the packages it names.
    const extra = policy.exceptions
      .filter((e) => nameMatches(e.package, name))
      .map((e) => e.license);
    if (spdxSatisfied(license, (id) => ids(id) || extra.includes(id))) continue;
    problems.push(`${name}@${pkg.version ?? "?"}: ${license} is not allowed`);
  }
  const lines = problems.length
    ? problems
    : [`${count} production packages, every licence allowed or excepted`];
  return { ok: problems.length === 0, lines };
}

const BLOCKING = new Set(["high", "critical"]);

/**
 * npm audit's JSON (report version 2) against the allow-list: each high or
 * critical advisory must be allowed by its id (the GHSA id or the advisory URL).
 * @param {any} report
 * @param {Policy["audit"]} policy
 * @returns {Verdict & { unreachable?: boolean }}
 */
export function checkAudit(report, policy) {
  if (!report?.vulnerabilities) {
    // Never the registry's address: only what kind of failure it was.
    const why =
      report?.error?.code ?? (report?.statusCode ? `HTTP ${report.statusCode}` : "no report");
    return {
      ok: true,
      unreachable: true,
      lines: [`npm audit could not ask the registry (${why}): not checked`],
    };
  }
  const problems = [];
  for (const [name, v] of Object.entries(report.vulnerabilities)) {
    for (const via of v.via ?? []) {
      if (typeof via !== "object" || !BLOCKING.has(via.severity)) continue;
      const id = String(via.url ?? via.source ?? "");
      const allowed = policy.allow.some((a) => a.package === name && id.endsWith(a.id));
      if (!allowed) problems.push(`${name}: ${via.severity} ${via.title ?? ""} (${id})`);
    }
  }
  const total = report.metadata?.vulnerabilities?.total ?? 0;
  const lines = problems.length
    ? problems
    : [`no high or critical advisory unallowed (${total} advisories of any severity in all)`];
  return { ok: problems.length === 0, lines };
}

/** @param {string[]} args */
function npm(args) {
  return spawnSync("npm", args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

function audit() {
  const res = npm(["audit", "--omit=dev", "--json"]);
  let report = null;
  try {
    report = JSON.parse(res.stdout);
  } catch {
    report = { error: { code: res.error?.message ?? "unreadable answer" } };
  }
  const verdict = checkAudit(report, readPolicy().audit);
  for (const line of verdict.lines) console.log(`audit: ${line}`);
  return verdict.unreachable ? 2 : verdict.ok ? 0 : 1;
}

function licenses() {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));
  const verdict = checkLicenses(lock, readPolicy().licenses);
  for (const line of verdict.lines) console.log(`licenses: ${line}`);
  return verdict.ok ? 0 : 1;
}

/** @param {string | undefined} file */
export function sbom(file) {
  if (!file) throw new Error("usage: supply-chain.mjs sbom <file>");
  const res = npm([
    "sbom",
    "--omit=dev",
    "--sbom-format",
    "cyclonedx",
    "--sbom-type",
    "application",
  ]);
  if (res.status !== 0) throw new Error(`npm sbom failed: ${res.stderr.trim().split("\n")[0]}`);
  const doc = JSON.parse(res.stdout);
  // npm names the root after its folder; the product's name is the package's.
  doc.metadata.component.name = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).name;
  writeFileSync(resolve(file), `${JSON.stringify(doc, null, 2)}\n`);
  return doc.components.length;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, arg] = process.argv.slice(2);
  const run = {
    audit,
    licenses,
    sbom: () => (console.log(`sbom: ${sbom(arg)} components written to ${arg}`), 0),
  }[command ?? ""];
  if (!run) {
    console.error("usage: supply-chain.mjs audit | licenses | sbom <file>");
    process.exit(2);
  }
  process.exit(run());
}
