import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadConfig, QUEUES_MAX } from "@/lib/config";
import { problemsOf } from "../helpers/config-problems";
import { globMatches } from "@/lib/queue-settings";

const dir = mkdtempSync(join(tmpdir(), "redrive-queue-config-"));
let files = 0;

/** Writes `content` (JSON unless a string) to a file of its own and returns its path. */
function configFile(content: unknown): string {
  const path = join(dir, `queues-${files++}.json`);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

const names = (n: number, prefix = "q") =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, "0")}`).join(",");

/** The same rule as a regular expression, for the property below only (trusted, generated input). */
function globAsRegExp(glob: string): RegExp {
  const body = [...glob].map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace("-", "\\-")));
  return new RegExp(`^${body.join("")}$`, "s");
}

describe("globMatches", () => {
  it("should match as * and ? mean when given random globs and names", () => {
    const char = fc.constantFrom("a", "b", "-", "_", "1");
    const glob = fc.array(fc.oneof(char, fc.constantFrom("*", "?")), { maxLength: 8 });
    const name = fc.array(char, { maxLength: 10 });
    fc.assert(
      fc.property(glob, name, (g, n) => {
        const [pattern, text] = [g.join(""), n.join("")];
        expect(globMatches(pattern, text)).toBe(globAsRegExp(pattern).test(text));
      }),
      { numRuns: 2000 },
    );
  });

  it("should answer quickly when the glob has many stars and the name nearly matches", () => {
    const started = performance.now();
    expect(globMatches("*a*a*a*a*a*a*a*a*b", "a".repeat(32))).toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe("QUEUES at scale", () => {
  it(`should take ${QUEUES_MAX} queues and refuse one more`, () => {
    expect(loadConfig({ QUEUES: names(QUEUES_MAX) }).QUEUES).toHaveLength(QUEUES_MAX);
    expect(problemsOf({ QUEUES: names(QUEUES_MAX + 1) })).toEqual([
      expect.stringContaining(`QUEUES: expected at most ${QUEUES_MAX} queues`),
    ]);
  });
});

describe("REDRIVE_QUEUE_CONFIG", () => {
  it("should apply the rules that match each queue in order, and let a variable naming the queue win", () => {
    const path = configFile({
      queues: [
        { match: "tenant-*", alerts: { dlqSize: 50, growthPerHour: 10 } },
        { match: "tenant-09?", alerts: { dlqSize: 5 }, keys: { dlq: "dead:${queue}" } },
        {
          match: "video",
          keys: { work: "{video}_in", retry: "{video}_later", dlq: "{video}_dead" },
        },
      ],
    });
    const config = loadConfig({
      QUEUES: `${names(100, "tenant-")},video,document`,
      REDRIVE_QUEUE_CONFIG: path,
      ALERT_DLQ_SIZE_TENANT_001: "7",
      REDIS_DLQ_TENANT_002: "t2_dead",
    });
    expect(config.alerts["tenant-000"]).toEqual({
      dlqSize: 50,
      growthPerHour: 10,
      oldestAgeHours: 24,
    });
    expect(config.alerts["tenant-001"]?.dlqSize).toBe(7);
    expect(config.alerts["tenant-095"]).toMatchObject({ dlqSize: 5, growthPerHour: 10 });
    expect(config.queueKeys["tenant-095"]?.dlq).toBe("dead:tenant-095");
    expect(config.queueKeys["tenant-002"]?.dlq).toBe("t2_dead");
    expect(config.queueKeys["tenant-003"]?.dlq).toBe("tenant-003_dlq");
    expect(config.queueKeys.video).toEqual({
      work: "{video}_in",
      retry: "{video}_later",
      dlq: "{video}_dead",
    });
    expect(config.alerts.document).toEqual({
      dlqSize: 1000,
      growthPerHour: 100,
      oldestAgeHours: 24,
    });
  });

  it("should name the file and the field of every bad rule, and start with none of them", () => {
    const path = configFile({
      queues: [
        { match: "Tenant-*", alerts: { dlqSize: 5 } },
        { match: "video", alerts: { dlqSize: -1, color: "red" } },
        { match: "audio", keys: { dlq: "bad key" } },
        { match: "nosuch" },
      ],
    });
    const problems = problemsOf({ QUEUES: "video,audio", REDRIVE_QUEUE_CONFIG: path });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^REDRIVE_QUEUE_CONFIG \(.+\): queues\.0\.match: expected a queue name or a glob/,
        ),
        expect.stringMatching(/queues\.1\.alerts\.dlqSize: /),
        expect.stringMatching(/queues\.1\.alerts: .*color/),
        expect.stringMatching(/queues\.2\.keys\.dlq: expected a Redis key name/),
      ]),
    );
  });

  it("should refuse a rule naming a queue that QUEUES does not have, but allow a glob that matches none", () => {
    const path = configFile({ queues: [{ match: "vidoe" }, { match: "tenant-*" }] });
    expect(problemsOf({ QUEUES: "video", REDRIVE_QUEUE_CONFIG: path })).toEqual([
      'REDRIVE_QUEUE_CONFIG: queues.0.match: "vidoe" is not in QUEUES',
    ]);
  });

  it("should say what is wrong with a file that is missing, not JSON or too large", () => {
    const missing = join(dir, "missing.json");
    expect(problemsOf({ REDRIVE_QUEUE_CONFIG: missing })).toEqual([
      `REDRIVE_QUEUE_CONFIG (${missing}): cannot be read (ENOENT)`,
    ]);
    expect(problemsOf({ REDRIVE_QUEUE_CONFIG: configFile("{queues: [") })).toEqual([
      expect.stringMatching(/: not JSON$/),
    ]);
    const large = configFile(`{"queues": [], "pad": "${"x".repeat(1024 * 1024)}"}`);
    expect(problemsOf({ REDRIVE_QUEUE_CONFIG: large })).toEqual([
      expect.stringMatching(/: larger than 1 MB$/),
    ]);
  });

  it("should refuse two queues that a template gives one key", () => {
    const path = configFile({ queues: [{ match: "*", keys: { dlq: "all_dead" } }] });
    expect(problemsOf({ QUEUES: "a,b", REDRIVE_QUEUE_CONFIG: path })).toContain(
      'REDIS_*: the key "all_dead" is used twice',
    );
  });
});
