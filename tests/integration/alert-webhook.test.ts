import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebhookSender } from "@/lib/alerts/deliver";
import { claimDigest, digestKey, queueDigest } from "@/lib/alerts/digest";
import { dueKey, outboxKey } from "@/lib/alerts/outbox";
import { RetryWorkerService } from "@/lib/worker/service";
import { testConfig, useRedis } from "../helpers/redis";
import { qk } from "../helpers/cluster-mode";
import { until } from "../helpers/until";
import { startWorkerProcess } from "../helpers/worker-process";
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
    // The post cut short is put back at once: the next worker posts it, with the same delivery id.
    receiver.answer(200);
    startWorkers(1, {});
    await until(async () => receiver.received.length === 2, "the notice posted again", 3_000);
    const [first, second] = receiver.received;
    expect(second!.headers["redrive-delivery"]).toBe(first!.headers["redrive-delivery"]);
    expect(second!.json.event).toBe("alert.firing");
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
  const notice = { event: "digest" as const, title: "t", lines: ["l"], data: {} };
  let stop: AbortController;
  afterEach(() => stop.abort());

  /** Queues one notice in the outbox as the digest does, and posts the outbox in the background. */
  async function sendOne(format: "slack" | "generic" = "slack"): Promise<WebhookSender> {
    const ctx = { redis: r.redis, config: testConfig({ REDIS_URL: r.server.url }) };
    const token = (await claimDigest(ctx, "2026-03-08", "test"))!;
    expect(await queueDigest(ctx, "2026-03-08", token, notice)).toBe(true);
    const s = new WebhookSender(ctx, {
      url: receiver.url,
      format,
      secret: SECRET,
      log: () => undefined,
      baseDelayMs: 20,
      pollMs: 20,
    });
    stop = new AbortController();
    void s.run(stop.signal);
    return s;
  }
  const outboxEmpty = async () => (await r.redis.zcard(dueKey(testConfig()))) === 0;

  it("should try a receiver that answers 500 again until it takes the notice", async () => {
    receiver.answer(500, 503, 200);
    await sendOne();
    await until(outboxEmpty, "the notice taken");
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((p) => p.body)).size).toBe(1);
    expect(new Set(receiver.received.map((p) => p.headers["redrive-delivery"])).size).toBe(1);
  });

  it("should keep at most 100 notices, dropping the oldest, when the receiver stays away", async () => {
    const ctx = { redis: r.redis, config: testConfig({ REDIS_URL: r.server.url }) };
    for (let day = 1; day <= 105; day++) {
      const date = `day-${String(day).padStart(3, "0")}`;
      const token = (await claimDigest(ctx, date, "test"))!;
      await queueDigest(ctx, date, token, { ...notice, title: date });
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const kept = Object.values(await r.redis.hgetall(outboxKey(ctx.config))).map(
      (v) => (JSON.parse(v) as { notice: { title: string } }).notice.title,
    );
    expect(kept).toHaveLength(100);
    expect(kept).not.toContain("day-005");
    expect(kept).toContain("day-006");
    expect(await r.redis.zcard(dueKey(ctx.config))).toBe(100);
  });

  it("should keep the notice and keep running when Redis is lost while a post is answered", async () => {
    receiver.answer(0);
    const config = testConfig({ REDIS_URL: r.server.url });
    const client = r.connect();
    const ctx = { redis: client, config };
    const token = (await claimDigest(ctx, "2026-03-08", "test"))!;
    await queueDigest(ctx, "2026-03-08", token, notice);
    const logged: string[] = [];
    const s = new WebhookSender(ctx, {
      url: receiver.url,
      format: "slack",
      log: (_level, msg) => logged.push(msg),
      pollMs: 20,
    });
    stop = new AbortController();
    const running = s.run(stop.signal);
    await until(async () => receiver.received.length === 1, "the post");
    // Redis unreachable when the answer comes: recording it fails, and nothing may crash.
    client.disconnect();
    receiver.release(200);
    await until(async () => logged.includes("alert notice not recorded"), "the failure logged");
    stop.abort();
    await running;
    // Still in the outbox: any worker posts it again once its lease ends.
    expect(await r.redis.zcard(dueKey(config))).toBe(1);
  });

  it("should drop, never post, an outbox field that Redrive did not write", async () => {
    const config = testConfig({ REDIS_URL: r.server.url });
    await r.redis.hset(outboxKey(config), "0000000000000-x", '{"text":"<!channel> hello"}');
    await r.redis.zadd(dueKey(config), 0, "0000000000000-x");
    const s = new WebhookSender(
      { redis: r.redis, config },
      { url: receiver.url, format: "slack", log: () => undefined, pollMs: 20 },
    );
    stop = new AbortController();
    void s.run(stop.signal);
    await until(outboxEmpty, "the foreign field dropped");
    expect(await r.redis.hlen(outboxKey(config))).toBe(0);
    expect(receiver.received).toHaveLength(0);
  });

  it("should not try again when the receiver refuses the notice for good (404)", async () => {
    receiver.answer(404);
    await sendOne();
    await until(outboxEmpty, "the notice given up");
    await settle();
    expect(receiver.received).toHaveLength(1);
  });
});

describe("alert delivery when a worker dies", () => {
  it("should post the notice a killed worker was posting, from another worker after its lease", async () => {
    receiver.answer(0, 200);
    await r.redis.lpush(qk("document_dlq"), '{"id":"a"}', '{"id":"b"}', '{"id":"c"}');
    const env = {
      ...r.env,
      QUEUES: "document,video",
      ALERT_DLQ_SIZE: "2",
      REDRIVE_ALERT_WEBHOOK_URL: receiver.url,
      REDRIVE_ALERT_WEBHOOK_FORMAT: "generic",
      REDRIVE_ALERT_WEBHOOK_SECRET: SECRET,
      REDRIVE_ALERT_CHECK_SECONDS: "0.1",
      REDRIVE_ALERT_WEBHOOK_TIMEOUT_SECONDS: "1",
    };
    const first = startWorkerProcess(env);
    await until(async () => receiver.received.length === 1, "the post that hangs", 20_000);
    // Killed while the receiver holds its post: the change is recorded in Redis, the post unanswered.
    first.child.kill("SIGKILL");
    await first.exited;
    const second = startWorkerProcess(env);
    try {
      await until(async () => receiver.received.length === 2, "the notice posted again", 20_000);
      await until(
        async () => (await r.redis.zcard(dueKey(testConfig()))) === 0,
        "the outbox empty",
      );
      const [hung, posted] = receiver.received;
      expect(posted!.json).toMatchObject({ event: "alert.firing", alert: { queue: "document" } });
      expect(posted!.json.delivery).toBe(hung!.json.delivery);
      await settle();
      expect(receiver.received).toHaveLength(2);
    } finally {
      second.child.kill("SIGTERM");
      await second.exited;
    }
  }, 60_000);
});
