import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkAudit, checkLicenses, readPolicy, spdxSatisfied } from "@/scripts/supply-chain.mjs";

/** The production dependencies' audit and licence checks that npm test runs (scripts/supply-chain.mjs). */
const policy = readPolicy();
const allowed = (id: string) => policy.licenses.allowed.includes(id);

const advisory = (severity: string, url: string) => ({
  source: 1,
  name: "next",
  dependency: "next",
  title: "Something bad",
  url,
  severity,
  range: "<16.4.7",
});
const report = (...via: object[]) => ({
  auditReportVersion: 2,
  vulnerabilities: { next: { name: "next", severity: "high", isDirect: true, via, effects: [] } },
  metadata: { vulnerabilities: { total: via.length } },
});

describe("licence check", () => {
  it("should read SPDX expressions: every operand of AND, any of OR, WITH by its licence", () => {
    expect(spdxSatisfied("MIT", allowed)).toBe(true);
    expect(spdxSatisfied("(MIT OR GPL-3.0-only)", allowed)).toBe(true);
    expect(spdxSatisfied("MIT AND GPL-3.0-only", allowed)).toBe(false);
    expect(spdxSatisfied("(MIT AND BSD-3-Clause) OR GPL-2.0", allowed)).toBe(true);
    expect(spdxSatisfied("Apache-2.0 WITH LLVM-exception", allowed)).toBe(true);
    expect(spdxSatisfied("UNKNOWN", allowed)).toBe(false);
  });

  it("should name a production package whose licence is neither allowed nor excepted", () => {
    const lock = {
      packages: {
        "": { version: "0.1.0" },
        "node_modules/ok": { version: "1.0.0", license: "ISC" },
        "node_modules/dev-only": { version: "1.0.0", license: "GPL-3.0-only", dev: true },
        "node_modules/@img/sharp-libvips-linux-x64": {
          version: "1.0.0",
          license: "LGPL-3.0-or-later",
        },
        "node_modules/copyleft": { version: "2.0.0", license: "AGPL-3.0-only" },
        "node_modules/nolicence": { version: "3.0.0" },
      },
    };
    const verdict = checkLicenses(lock, policy.licenses);
    expect(verdict.ok).toBe(false);
    expect(verdict.lines).toEqual([
      "copyleft@2.0.0: AGPL-3.0-only is not allowed",
      "nolicence@3.0.0: UNKNOWN is not allowed",
    ]);
  });

  it("should pass this repository's own production dependencies", () => {
    const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
    expect(checkLicenses(lock, policy.licenses)).toMatchObject({ ok: true });
  });

  it("should give every exception a reason and a date", () => {
    for (const e of [...policy.licenses.exceptions, ...policy.audit.allow]) {
      expect(e.reason.length).toBeGreaterThan(20);
      expect(e.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});

describe("audit check", () => {
  const ghsa = "https://github.com/advisories/GHSA-aaaa-bbbb-cccc";

  it("should fail on a high or critical advisory and pass on a moderate one", () => {
    expect(checkAudit(report(advisory("critical", ghsa)), { allow: [] }).ok).toBe(false);
    expect(checkAudit(report(advisory("moderate", ghsa)), { allow: [] }).ok).toBe(true);
    expect(checkAudit({ vulnerabilities: {}, metadata: {} }, { allow: [] }).ok).toBe(true);
  });

  it("should let an allowed advisory through only for the package it names", () => {
    const allow = [{ id: "GHSA-aaaa-bbbb-cccc", package: "next", reason: "r", date: "2026-12-07" }];
    expect(checkAudit(report(advisory("high", ghsa)), { allow }).ok).toBe(true);
    const other = [{ ...allow[0]!, package: "react" }];
    expect(checkAudit(report(advisory("high", ghsa)), { allow: other }).ok).toBe(false);
  });

  it("should say on one line, without the registry's address, when the registry cannot answer", () => {
    const refused = {
      message:
        "405 Method Not Allowed - POST https://registry.internal/-/npm/v1/security/advisories/bulk",
      uri: "https://registry.internal/-/npm/v1/security/advisories/bulk",
      statusCode: 405,
    };
    const verdict = checkAudit(refused, { allow: [] });
    expect(verdict).toMatchObject({ ok: true, unreachable: true });
    expect(verdict.lines).toEqual(["npm audit could not ask the registry (HTTP 405): not checked"]);
    expect(checkAudit({ error: { code: "ENOTFOUND" } }, { allow: [] }).lines[0]).toContain(
      "(ENOTFOUND)",
    );
  });
});
