import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { useApp } from "../helpers/app";
import { qk } from "../helpers/cluster-mode";
import { startPrometheus, type LocalPrometheus } from "../helpers/prometheus";
import { until } from "../helpers/until";

/**
 * A real Prometheus server scrapes the dashboard's /api/metrics with the
 * token, as the README's scrape job does, and answers queries with the
 * values Redrive exposes, the Grafana dashboard's among them.
 */
const TOKEN = "prometheus-token-prometheus-token";
const app = useApp({ REDRIVE_METRICS_TOKEN: TOKEN });
let prometheus: LocalPrometheus | undefined;

afterAll(async () => {
  await prometheus?.stop();
});

/** Each expression of deploy/grafana/redrive.json, run by the real server: none is refused. */
async function everyGrafanaQueryRuns(p: LocalPrometheus): Promise<void> {
  const dashboard = JSON.parse(readFileSync("deploy/grafana/redrive.json", "utf8")) as {
    panels: { title: string; targets: { expr: string }[] }[];
  };
  const exprs = dashboard.panels.flatMap((panel) => panel.targets.map((t) => t.expr));
  expect(exprs.length).toBeGreaterThan(10);
  const failures: string[] = [];
  for (const expr of exprs) {
    await p.query(expr.replaceAll("$queue", ".*")).catch((e: Error) => failures.push(e.message));
  }
  expect(failures).toEqual([]);
  const dlq = await p.query(dashboard.panels[0]!.targets[0]!.expr.replaceAll("$queue", ".*"));
  expect(dlq.find(([labels]) => labels.queue === "document")?.[1]).toBe(3);
}

describe("scraped by Prometheus", () => {
  it("should give Prometheus each queue's DLQ length and the target up when it scrapes with the token", async () => {
    await app.redis.lpush(qk("document_dlq"), '{"id":"a"}', '{"id":"b"}', '{"id":"c"}');
    await app.redis.hset("redrive:metrics:counters", "audio:failed", "12");
    prometheus = await startPrometheus(app.url, TOKEN);
    const series = async (q: string) => prometheus!.query(q).catch(() => []);
    const dlq = await until(
      async () => {
        const found = await series('redrive_dlq_messages{queue="document"}');
        return found.length > 0 && found;
      },
      "Prometheus to hold a scrape",
      30_000,
      250,
    );
    expect(dlq[0]![1]).toBe(3);
    expect(dlq[0]![0]).toMatchObject({ job: "redrive", queue: "document" });
    expect((await series('up{job="redrive"}'))[0]![1]).toBe(1);
    expect((await series('redrive_failures_total{queue="audio"}'))[0]![1]).toBe(12);
    expect((await series("count(redrive_dlq_messages)"))[0]![1]).toBe(4);
    expect((await series("redrive_redis_up"))[0]![1]).toBe(1);
    expect((await series("count(redrive_tasks_running)"))[0]![1]).toBe(4);
    await everyGrafanaQueryRuns(prometheus);
  }, 60_000);
});
