import { describe, expect, it } from "vitest";
import { needsAttention } from "@/components/overview/attention";
import { drawn, OTHERS, parsePicked } from "@/components/overview/chart-queues";
import type { QueueOverview } from "@/lib/metrics/types";

const queues = ["a", "b", "c", "d", "e", "f", "g", "h"];
/** Rows where queue k's value is k + 1 at every point, and h has a missing point. */
const rows = [0, 10, 20].map((t) => ({
  t,
  ...Object.fromEntries(queues.map((q, k) => [q, q === "h" && t === 10 ? null : k + 1])),
}));

describe("the queues a history chart draws", () => {
  it("should draw the five largest by the chart's measure and sum the rest as others when there are many", () => {
    const d = drawn(rows, queues, 6, null);
    expect(d.queues).toEqual(["h", "g", "f", "e", "d"]);
    expect(d.others).toBe(3);
    expect(d.rows[0]).toEqual({ t: 0, h: 8, g: 7, f: 6, e: 5, d: 4, [OTHERS]: 1 + 2 + 3 });
    expect(d.rows[1]!.h).toBeNull();
  });

  it("should draw every queue, without others, when they are few", () => {
    const d = drawn(rows, queues, 8, null);
    expect(d.queues).toBe(queues);
    expect(d.rows).toBe(rows);
  });

  it("should draw the picked queues, and keep only configured ones from the URL, when some are picked", () => {
    const picked = parsePicked("c,nope,c,a", queues);
    expect(picked).toEqual(["c", "a"]);
    expect(drawn(rows, queues, 6, picked).queues).toEqual(["c", "a"]);
    expect(parsePicked("nope", queues)).toBeNull();
    expect(parsePicked(queues.concat(queues).join(","), queues)).toHaveLength(8);
  });
});

function queue(name: string, over: Partial<QueueOverview> = {}): QueueOverview {
  return {
    queue: name,
    work: 0,
    processing: 0,
    retry: 0,
    retryDue: 0,
    nextRetryAt: null,
    dlq: 1,
    oldestDlqAgeSeconds: 60,
    dlqGrowthPerHour: 0,
    alerts: [],
    trend: [],
    review: { at: 1, by: "admin" },
    resolved: { count: 0, meanWaitSeconds: null },
    ...over,
  } as QueueOverview;
}

describe("the queues that need attention", () => {
  const words = { growth: (g: number) => `+${g}/h`, age: (s: number) => `${s}s` };

  it("should list alerts first, then growing queues fastest first, then unreviewed and old ones", () => {
    const list = needsAttention(
      [
        queue("quiet"),
        queue("old", { oldestDlqAgeSeconds: 200_000 }),
        queue("slow", { dlqGrowthPerHour: 2 }),
        queue("fast", { dlqGrowthPerHour: 50 }),
        queue("never", { review: null }),
        queue("alerting", {
          alerts: [
            { queue: "alerting", kind: "dlq_size", value: 9, threshold: 5, message: "9 > 5" },
          ],
        }),
      ],
      undefined,
      words,
    );
    expect(list.map((a) => a.queue.queue)).toEqual(["alerting", "fast", "slow", "never", "old"]);
    expect(list[0]!.reasons).toEqual([{ kind: "alert", text: "9 > 5" }]);
    expect(list.at(-1)!.reasons).toEqual([{ kind: "old", text: "oldest 200000s" }]);
  });
});
