import { describe, expect, it } from "vitest";
import { useApp } from "../helpers/app";
import { until } from "../helpers/until";
import { clusterEnv, qk } from "../helpers/cluster-mode";
import { testConfig } from "../helpers/redis";
import { loadTemplates } from "@/lib/metrics/routes";
import { RetryWorkerService } from "@/lib/worker/service";
import { taskKey } from "@/lib/tasks/redrive";
import { NAMESPACE_NAMES, OTHER } from "@/lib/cache/namespaces";
import { masters } from "@/lib/redis/client";
import { RedisWarningCodeSchema } from "@/lib/redis/safety";

/** GET /api/metrics: Prometheus's text format, for the token or an admin, with bounded labels. */
const TOKEN = "metrics-token-metrics-token";
const app = useApp({ REDRIVE_METRICS_TOKEN: TOKEN });

/** A scrape of Redis as it is now (without `no-cache`, an answer up to a second old is shared). */
const scrape = (token = TOKEN) =>
  app.call("/api/metrics", {
    headers: { authorization: `Bearer ${token}`, "cache-control": "no-cache" },
  });

/** The samples of the text format: metric name, labels and value per line. */
function samples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  return text
    .split("\n")
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const space = line.lastIndexOf(" ");
      const head = line.slice(0, space);
      const brace = head.indexOf("{");
      const name = brace < 0 ? head : head.slice(0, brace);
      const labels: Record<string, string> = {};
      if (brace >= 0) {
        for (const pair of head.slice(brace + 1, -1).split(",")) {
          const [k, v] = pair.split("=");
          labels[k!] = JSON.parse(v!) as string;
        }
      }
      return { name, labels, value: Number(line.slice(space + 1)) };
    });
}

describe("GET /api/metrics", () => {
  it("should refuse anyone without the token or an admin session", async () => {
    expect((await app.call("/api/metrics")).status).toBe(401);
    expect((await scrape("not-the-token-not-the-token")).status).toBe(401);
    const viewer = await app.login("viewer");
    expect((await app.call("/api/metrics", { cookie: viewer })).status).toBe(403);
    const admin = await app.login("admin");
    expect((await app.call("/api/metrics", { cookie: admin })).status).toBe(200);
  });

  it("should give each queue's DLQ length and counters in the text format when scraped with the token", async () => {
    await app.redis.lpush(qk("document_dlq"), '{"id":"a"}', '{"id":"b"}', '{"id":"c"}');
    await app.redis.hset(
      "redrive:metrics:counters",
      "document:failed",
      "7",
      "document:dlq_in",
      "3",
    );
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toContain("# HELP redrive_dlq_messages Dead letters in the DLQ.");
    expect(text).toContain("# TYPE redrive_failures_total counter");
    const all = samples(text);
    const value = (name: string, queue: string) =>
      all.find((s) => s.name === name && s.labels.queue === queue)?.value;
    expect(value("redrive_dlq_messages", "document")).toBe(3);
    expect(value("redrive_dlq_messages", "audio")).toBe(0);
    expect(value("redrive_failures_total", "document")).toBe(7);
    expect(value("redrive_dead_letters_total", "document")).toBe(3);
    expect(all.some((s) => s.name === "redrive_nodejs_eventloop_lag_seconds")).toBe(true);
    expect(all.find((s) => s.name === "redrive_redis_memory_used_bytes")!.value).toBeGreaterThan(0);
  });

  it("should count an admin's requeues and deletes when they move dead letters", async () => {
    await app.redis.lpush(qk("audio_dlq"), '{"id":"r"}', '{"id":"d"}');
    const cookie = await app.login("admin");
    const move = (mode: string, index: number, id: string) =>
      app.call(`/api/admin/dlq/audio/${mode}/${index}`, {
        cookie,
        method: "POST",
        body: JSON.stringify({ identity: `id:${id}` }),
      });
    expect((await move("delete", 0, "d")).status).toBe(200);
    expect((await move("requeue", 0, "r")).status).toBe(200);
    const all = samples(await (await scrape()).text());
    const value = (name: string) =>
      all.find((s) => s.name === name && s.labels.queue === "audio")?.value;
    expect(value("redrive_requeued_total")).toBe(1);
    expect(value("redrive_deleted_total")).toBe(1);
    expect(value("redrive_retries_promoted_total")).toBe(0);
  });

  it("should answer with redrive_redis_up 0 and its own figures while Redis is down, and the queues again once it is back", async () => {
    await app.stopRedis();
    try {
      const down = await scrape();
      expect(down.status).toBe(200);
      const all = samples(await down.text());
      expect(all.find((s) => s.name === "redrive_redis_up")?.value).toBe(0);
      expect(all.some((s) => s.name === "redrive_dlq_messages")).toBe(false);
      const errors = all.find(
        (s) => s.name === "redrive_redis_errors_total" && s.labels.kind === "REDIS_UNAVAILABLE",
      );
      expect(errors?.value).toBeGreaterThanOrEqual(1);
      expect(all.some((s) => s.name === "redrive_nodejs_eventloop_lag_seconds")).toBe(true);
    } finally {
      await app.startRedis();
    }
    const up = async () =>
      samples(await (await scrape()).text()).find((s) => s.name === "redrive_redis_up")?.value;
    await until(async () => (await up()) === 1, "metrics after the restart", 15_000, 250);
    const all = samples(await (await scrape()).text());
    expect(all.filter((s) => s.name === "redrive_dlq_messages")).toHaveLength(4);
  });

  it("should show a running task and the keys when a queue has a task", async () => {
    const env = { REDIS_URL: app.server.url, ...(app.cluster ? clusterEnv(app.cluster) : {}) };
    const key = (q: string) => taskKey(testConfig(env), q);
    await app.redis.hset(key("document"), "id", "t1", "state", "running", "kind", "requeue");
    await app.redis.hset(key("audio"), "id", "t0", "state", "done", "kind", "requeue");
    const all = samples(await (await scrape()).text());
    const task = (q: string) =>
      all.find((s) => s.name === "redrive_tasks_running" && s.labels.queue === q)?.value;
    expect(task("document")).toBe(1);
    expect(task("audio")).toBe(0);
    expect(all.find((s) => s.name === "redrive_redis_keys")!.value).toBeGreaterThanOrEqual(2);
  });

  it("should time each request under its route template, never its raw path, when the dashboard answers", async () => {
    const cookie = await app.login("admin");
    // Read to the end: a response is timed when its last byte is sent.
    const status = async (res: Promise<Response>) => {
      const r = await res;
      await r.arrayBuffer();
      return r.status;
    };
    expect(await status(app.call("/api/admin/dlq/document?offset=0", { cookie }))).toBe(200);
    expect(await status(app.call('/api/admin/dlq/evil"queue<x>', { cookie }))).toBe(404);
    await status(app.call("/no/such/page"));
    const counts = samples(await (await scrape()).text()).filter(
      (s) => s.name === "redrive_http_request_duration_seconds_count",
    );
    const count = (route: string, status: string) =>
      counts.find((s) => s.labels.route === route && s.labels.status === status)?.value ?? 0;
    expect(count("/api/admin/dlq/[queue]", "200")).toBeGreaterThanOrEqual(1);
    expect(count("/api/admin/dlq/[queue]", "404")).toBeGreaterThanOrEqual(1);
    // The login redirect answers a path no route names.
    expect(count("unmatched", "307")).toBeGreaterThanOrEqual(1);
    const templates = loadTemplates().map((t) => t.template);
    const routes = new Set(counts.map((s) => s.labels.route!));
    expect([...routes].filter((r) => r !== "unmatched" && !templates.includes(r))).toEqual([]);
  });

  it("should show how overdue retries are and how long worker runs take when the worker runs", async () => {
    const now = Math.floor(Date.now() / 1000);
    await app.redis.zadd(qk("video_retry"), now - 120, '{"id":"late"}');
    const lag = async () =>
      samples(await (await scrape()).text()).find(
        (s) => s.name === "redrive_retry_promotion_lag_seconds" && s.labels.queue === "video",
      )?.value;
    expect(await lag()).toBeGreaterThanOrEqual(120);
    const env = { REDIS_URL: app.server.url, ...(app.cluster ? clusterEnv(app.cluster) : {}) };
    const worker = new RetryWorkerService(
      { redis: app.redis, config: testConfig(env) },
      () => undefined,
    );
    expect((await worker.runOnce()).promoted.video).toBe(1);
    expect(await lag()).toBe(0);
    const runs = samples(await (await scrape()).text()).filter((s) =>
      s.name.startsWith("redrive_worker_run_duration_seconds"),
    );
    expect(runs.find((s) => s.name.endsWith("_count"))?.value).toBe(1);
    expect(runs.find((s) => s.labels.le === "+Inf")?.value).toBe(1);
    // The worker's own event-loop delay, from its heartbeat (a worker has no HTTP port).
    const workerLag = samples(await (await scrape()).text()).find(
      (s) => s.name === "redrive_worker_event_loop_lag_seconds",
    );
    expect(workerLag?.value).toBeGreaterThanOrEqual(0);
    expect(workerLag?.value).toBeLessThan(5);
  });

  it("should set the EVICTION_POLICY warning to 1 when the queue Redis may evict keys", async () => {
    const warning = async (code: string) =>
      samples(await (await scrape()).text()).find(
        (s) => s.name === "redrive_redis_warning" && s.labels.code === code,
      )?.value;
    expect(await warning("EVICTION_POLICY")).toBe(0);
    await Promise.all(
      masters(app.redis).map((m) => m.config("SET", "maxmemory-policy", "allkeys-lru")),
    );
    try {
      expect(await warning("EVICTION_POLICY")).toBe(1);
    } finally {
      await Promise.all(
        masters(app.redis).map((m) => m.config("SET", "maxmemory-policy", "noeviction")),
      );
    }
  });

  it("should label samples only with configured queues and cache namespaces when entries are hostile", async () => {
    await app.redis.lpush(qk("document_dlq"), '{"id":"x\\"} 1\\n# evil","error":"<script>"}');
    await app.redis.hset("redrive:cache:stats", "user:hits", "4", 'evil"name:hits', "1");
    // Redrive's own series (the process metrics carry prom-client's fixed labels; the
    // histograms' bucket bounds and route templates are checked apart).
    const all = samples(await (await scrape()).text()).filter(
      (s) =>
        !s.name.startsWith("redrive_process_") &&
        !s.name.startsWith("redrive_nodejs_") &&
        !s.name.startsWith("redrive_http_request_duration_seconds") &&
        !s.name.startsWith("redrive_worker_run_duration_seconds") &&
        s.name !== "redrive_redis_errors_total",
    );
    const labelValues = new Set(all.flatMap((s) => Object.values(s.labels)));
    const queues = ["document", "audio", "video", "graph"];
    const namespaces = [...NAMESPACE_NAMES, OTHER] as string[];
    const known = [...queues, ...namespaces, ...RedisWarningCodeSchema.options] as string[];
    const unexpected = [...labelValues].filter((v) => !known.includes(v));
    expect(unexpected).toEqual([]);
    const hits = all.filter((s) => s.name === "redrive_cache_hits_total");
    expect(hits.map((s) => s.labels.namespace).sort()).toEqual([...namespaces].sort());
    expect(hits.find((s) => s.labels.namespace === "user")!.value).toBe(4);
  });
});
