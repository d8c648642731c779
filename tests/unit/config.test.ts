import { describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config";
import { problemsOf } from "../helpers/config-problems";
import { backoffSeconds } from "@/lib/queues/producer";

describe("loadConfig", () => {
  it("should use the Python backend's defaults when nothing is set", () => {
    const config = loadConfig({});
    expect(config.QUEUES).toEqual(["document", "audio", "video", "graph"]);
    expect(config.MAX_RETRY_ATTEMPTS).toBe(3);
    expect(config.RETRY_BACKOFF_BASE_SECONDS).toBe(60);
    expect(config.DLQ_RETENTION_DAYS).toBe(7);
    expect(config.CACHE_ENABLED).toBe(true);
    expect(config.CACHE_USER_TTL).toBe(900);
    expect(config.CACHE_JOB_STATUS_TTL).toBe(5);
    expect(config.CACHE_DOCUMENT_TTL).toBe(3600);
    expect(config.CACHE_VECTOR_SEARCH_TTL).toBe(1800);
    expect(config.CACHE_GRAPH_TTL).toBe(600);
    expect(config.CACHE_DEFAULT_TTL).toBe(300);
    expect(config.queueKeys.document).toEqual({
      work: "document_queue",
      retry: "document_retry",
      dlq: "document_dlq",
    });
  });

  it("should apply the Python backend's per-queue key overrides when set", () => {
    const config = loadConfig({
      REDIS_DLQ_DOCUMENT: "docs_dead",
      REDIS_RETRY_AUDIO: "audio_later",
    });
    expect(config.queueKeys.document!.dlq).toBe("docs_dead");
    expect(config.queueKeys.audio!.retry).toBe("audio_later");
  });

  it("should name the variable and what it expects when a value is bad", () => {
    expect(problemsOf({ MAX_RETRY_ATTEMPTS: "three" })).toEqual([
      'MAX_RETRY_ATTEMPTS: expected a whole number between 0 and 100 (got "three")',
    ]);
    expect(problemsOf({ CACHE_ENABLED: "maybe" })[0]).toMatch(
      /^CACHE_ENABLED: expected true or false/,
    );
    expect(problemsOf({ REDIS_URL: "localhost:6379" })[0]).toMatch(
      /^REDIS_URL: expected a redis:\/\/ or rediss:\/\/ URL/,
    );
    expect(problemsOf({ QUEUES: "document,Bad Name" })[0]).toMatch(/^QUEUES: expected queue names/);
    expect(problemsOf({ QUEUES: "a,a" })[0]).toMatch(/^QUEUES: expected no duplicate names/);
    expect(problemsOf({ QUEUES: "document,stats" })[0]).toMatch(
      /^QUEUES: expected no queue named "stats"/,
    );
    expect(problemsOf({ REDIS_DLQ_DOCUMENT: "bad key*" })[0]).toMatch(
      /^REDIS_DLQ_DOCUMENT: expected a Redis key name/,
    );
    expect(problemsOf({ REDIS_DLQ_DOCUMENT: "audio_dlq" })[0]).toMatch(/used twice/);
  });

  it("should refuse two queues whose DLQ keys share a hash tag, which would share one task hash", () => {
    const shared = {
      REDIS_DLQ_DOCUMENT: "{jobs}_dlq_document",
      REDIS_DLQ_VIDEO: "{jobs}_dlq_video",
    };
    expect(problemsOf(shared)).toEqual([
      expect.stringMatching(/^REDIS_DLQ_\*: .*hash tag \{jobs\}/),
    ]);
    expect(problemsOf({ REDIS_KEY_STYLE: "hashtag" })).toEqual([]);
    expect(problemsOf({ REDIS_DLQ_DOCUMENT: "{jobs}_dlq_document" })).toEqual([]);
  });

  it("should name a bad secret without printing its value when it is invalid", () => {
    const secret = problemsOf({ NEXTAUTH_SECRET: "hunter2-short" });
    expect(secret[0]).toMatch(/^NEXTAUTH_SECRET: expected at least 16 characters/);
    expect(secret.join("\n")).not.toContain("hunter2");
    const url = problemsOf({ REDIS_URL: "redis://:hunter2-password@redis host:6379" });
    expect(url[0]).toMatch(/^REDIS_URL: expected a redis:\/\/ or rediss:\/\/ URL/);
    expect(url.join("\n")).not.toContain("hunter2");
    const users = problemsOf({ OIDC_CLIENT_SECRET: "", OIDC_ISSUER: "not a url with s3cret" });
    expect(users.join("\n")).toContain("OIDC_ISSUER");
  });

  it("should parse REDRIVE_TRUSTED_PROXIES and name a bad entry", () => {
    expect(loadConfig({}).REDRIVE_TRUSTED_PROXIES).toEqual({ kind: "none" });
    expect(loadConfig({ REDRIVE_TRUSTED_PROXIES: "2" }).REDRIVE_TRUSTED_PROXIES).toEqual({
      kind: "hops",
      hops: 2,
    });
    expect(problemsOf({ REDRIVE_TRUSTED_PROXIES: "10.0.0.0/33" })[0]).toMatch(
      /^REDRIVE_TRUSTED_PROXIES: .*bad prefix length/,
    );
    expect(problemsOf({ REDRIVE_TRUSTED_PROXIES: "nginx" })[0]).toMatch(
      /^REDRIVE_TRUSTED_PROXIES: .*is not an address/,
    );
  });

  it("should ask for what alert delivery needs together, and never print a webhook URL", () => {
    const url = "https://hooks.example.com/services/T000/B000/very-secret-token";
    expect(problemsOf({ REDRIVE_ALERT_WEBHOOK_URL: url })).toEqual([
      expect.stringMatching(/^REDRIVE_ALERT_WEBHOOK_FORMAT: required/),
    ]);
    const generic = { REDRIVE_ALERT_WEBHOOK_URL: url, REDRIVE_ALERT_WEBHOOK_FORMAT: "generic" };
    expect(problemsOf(generic)[0]).toMatch(/^REDRIVE_ALERT_WEBHOOK_SECRET: required/);
    expect(problemsOf({ REDRIVE_DIGEST_AT: "9:00", REDRIVE_TIMEZONE: "Mars/Olympus" })).toEqual([
      expect.stringMatching(/^REDRIVE_DIGEST_AT: expected a 24-hour time as HH:MM/),
      expect.stringMatching(/^REDRIVE_TIMEZONE: expected an IANA time zone/),
    ]);
    const bad = problemsOf({ REDRIVE_ALERT_WEBHOOK_URL: "ftp://hooks/very-secret-token" });
    expect(bad[0]).toMatch(/^REDRIVE_ALERT_WEBHOOK_URL: expected an http/);
    expect(bad.join("\n")).not.toContain("very-secret-token");
  });

  it("should report every bad variable at once", () => {
    expect(problemsOf({ MAX_RETRY_ATTEMPTS: "-1", DLQ_RETENTION_DAYS: "x" })).toHaveLength(2);
  });
});

describe("backoffSeconds", () => {
  it("should double from the base and add at most the jitter ratio", () => {
    const config = loadConfig({});
    expect(backoffSeconds(config, 0, () => 0)).toBe(60);
    expect(backoffSeconds(config, 1, () => 0)).toBe(120);
    expect(backoffSeconds(config, 2, () => 0.999)).toBeCloseTo(240 * 1.0999);
    expect(backoffSeconds(config, 30, () => 0)).toBe(86_400);
  });
});
