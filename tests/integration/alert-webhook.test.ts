import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebhookSender } from "@/lib/alerts/deliver";
import { digestKey } from "@/lib/alerts/digest";
import { RetryWorkerService } from "@/lib/worker/service";
import { testConfig, useRedis } from "../helpers/redis";
import { until } from "../helpers/until";
import { startReceiver, type WebhookReceiver } from "../helpers/webhook-receiver";

/**
 * Alert delivery without Prometheus: real worker services on a real Redis
 * post to a real HTTP receiver on loopback.
 */
const r = useRedis();
const SECRET = "alert-secret-alert-secret";
let receiver: WebhookReceiver;
let workers: RetryWorkerService[] = [];

beforeEach(async () => {
  receiver = await startReceiver();
});

afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
  await receiver.stop();
});

function startWorkers(n: number, env: Record<string, string>): RetryWorkerService[] {
  const config = testConfig({
    REDIS_URL: r.server.url,
    QUEUES: "document,video",
    ALERT_DLQ_SIZE: "2",
    ALERT_DLQ_GROWTH_PER_HOUR: "0",
    ALERT_DLQ_AGE_HOURS: "0",
    REDRIVE_ALERT_WEBHOOK_URL: receiver.url,
    REDRIVE_ALERT_WEBHOOK_FORMAT: "generic",
    REDRIVE_ALERT_WEBHOOK_SECRET: SECRET,
    REDRIVE_ALERT_CHECK_SECONDS: "0.05",
    REDRIVE_ALERT_RESOLVE_SECONDS: "0",
    RETRY_WORKER_INTERVAL_SECONDS: "0.05",
    NEXTAUTH_URL: "https://redrive.example.com",
    ...env,
  });
  const ctx = { redis: r.redis, config, now: () => r.clock.now };
  workers = Array.from({ length: n }, () => new RetryWorkerService(ctx, () => undefined));
  for (const w of workers) w.start();
  return workers;
}

const events = (name: string) => receiver.received.filter((p) => p.json.event === name);
const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

describe("alert webhook", () => {
  it("should post an alert once and its resolution once when two workers watch the queues", async () => {
    startWorkers(2, {});
    await r.redis.lpush("document_dlq", '{"id":"a"}', '{"id":"b"}', '{"id":"c"}');
    await until(async () => events("alert.firing").length > 0, "the alert");
    await settle();
    expect(events("alert.firing")).toHaveLength(1);
    expect(events("alert.firing")[0]!.json).toMatchObject({
      alert: { queue: "document", kind: "dlq_size", value: 3, threshold: 2, state: "firing" },
      url: "https://redrive.example.com/queues/document",
    });
    await r.redis.del("document_dlq");
    await until(async () => events("alert.resolved").length > 0, "the resolution");
    await settle();
    expect(events("alert.resolved")).toHaveLength(1);
    expect(events("alert.firing")).toHaveLength(1);
  });

  it("should keep promoting retries and stop promptly while the receiver hangs", async () => {
    receiver.answer(0);
    const [worker] = startWorkers(1, {});
    await r.redis.lpush("document_dlq", '{"id":"a"}', '{"id":"b"}', '{"id":"c"}');
    await until(async () => receiver.received.length > 0, "the post that hangs");
    await r.redis.zadd("video_retry", r.clock.now - 1, '{"id":"due"}');
    await until(async () => (await r.redis.llen("video_queue")) === 1, "the promotion", 3_000);
    const t0 = Date.now();
    await worker!.stop();
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it("should post the digest once at the local time across a daylight-saving change and skip an empty day", async () => {
    // 2026-03-08, 03:05 in New York: the first minute after 02:00 EST jumped to 03:00 EDT.
    r.clock.now = Date.parse("2026-03-08T07:05:00Z") / 1000;
    const env = {
      ALERT_DLQ_SIZE: "1000",
      REDRIVE_DIGEST_AT: "02:30",
      REDRIVE_TIMEZONE: "America/New_York",
    };
    await r.redis.lpush("document_dlq", '{"id":"a","error":"Timeout: upstream 504"}');
    startWorkers(2, env);
    await until(async () => events("digest").length > 0, "the digest");
    await settle();
    expect(events("digest")).toHaveLength(1);
    expect(events("digest")[0]!.json).toMatchObject({
      date: "2026-03-08",
      queues: [{ queue: "document", failed: 1 }],
    });
    await Promise.all(workers.map((w) => w.stop()));
    // The next day nothing failed: the day is claimed, nothing is posted.
    await r.redis.del("document_dlq");
    r.clock.now = Date.parse("2026-03-09T06:35:00Z") / 1000;
    startWorkers(2, env);
    await until(
      async () => (await r.redis.exists(digestKey(testConfig(), "2026-03-09"))) === 1,
      "the claim",
    );
    await settle();
    expect(events("digest")).toHaveLength(1);
  });
});

describe("webhook sender", () => {
  const sender = (url: string) =>
    new WebhookSender({ url, format: "slack", log: () => undefined, baseDelayMs: 20 });
  const notice = { event: "digest" as const, title: "t", lines: ["l"], data: {} };

  it("should try a receiver that answers 500 again until it takes the notice", async () => {
    receiver.answer(500, 503, 200);
    const s = sender(receiver.url);
    s.send(notice);
    await s.idle();
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((p) => p.body)).size).toBe(1);
  });

  it("should not try again when the receiver refuses the notice for good (404)", async () => {
    receiver.answer(404);
    const s = sender(receiver.url);
    s.send(notice);
    await s.idle();
    expect(receiver.received).toHaveLength(1);
  });
});
