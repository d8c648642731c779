import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * deploy/prometheus/alerts.yml, checked by Prometheus's own promtool: the
 * rules parse, each alert fires and resolves on the series of
 * alerts.test.yml, and every metric they use is one /api/metrics exposes.
 */
const RULES = "deploy/prometheus/alerts.yml";

const promtool = (...args: string[]) =>
  execFileSync("promtool", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

describe("Prometheus alert rules", () => {
  it("should pass promtool check rules when linted", () => {
    expect(promtool("check", "rules", RULES)).toContain("SUCCESS: 9 rules found");
  });

  it("should fire and resolve every alert when promtool runs the rule tests", () => {
    expect(promtool("test", "rules", "deploy/prometheus/alerts.test.yml")).toContain("SUCCESS");
  });

  it("should test every alert when the rules file names one", () => {
    const alerts = [...readFileSync(RULES, "utf8").matchAll(/alert: (\w+)/g)].map((m) => m[1]);
    const tests = readFileSync("deploy/prometheus/alerts.test.yml", "utf8");
    expect(alerts.filter((a) => !tests.includes(`alertname: ${a}`))).toEqual([]);
  });

  it("should use only metrics that /api/metrics exposes when an expression names one", () => {
    const used = new Set(readFileSync(RULES, "utf8").match(/redrive_[a-z_]+/g));
    const source = ["lib/metrics/prometheus.ts", "lib/http/metrics-route.ts"]
      .map((file) => readFileSync(file, "utf8"))
      .join("\n");
    const exposed = (name: string) => source.includes(`"${name}"`) || source.includes(`${name} `);
    expect([...used].filter((name) => !exposed(name))).toEqual([]);
    expect(used.size).toBeGreaterThan(5);
  });
});
