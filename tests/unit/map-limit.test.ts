import { describe, expect, it } from "vitest";
import { mapLimit } from "@/lib/map-limit";

const tick = (ms: number) => new Promise((res) => setTimeout(res, ms));

describe("mapLimit", () => {
  it("should keep at most the limit in flight and answer in the items' order when calls end out of order", async () => {
    let running = 0;
    let most = 0;
    const out = await mapLimit([30, 5, 20, 1, 10, 2, 15], 3, async (ms, i) => {
      most = Math.max(most, ++running);
      await tick(ms);
      running--;
      return `${i}:${ms}`;
    });
    expect(most).toBe(3);
    expect(out).toEqual(["0:30", "1:5", "2:20", "3:1", "4:10", "5:2", "6:15"]);
  });

  it("should reject with the first error and start no further item when a call fails", async () => {
    const started: number[] = [];
    const run = mapLimit([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      await tick(5);
      if (n === 2) throw new Error("boom 2");
      return n;
    });
    await expect(run).rejects.toThrow("boom 2");
    await tick(20);
    // 1 and 2 ran together; 3 started when 1 ended, beside the failing 2; nothing after.
    expect(started).toEqual([1, 2, 3]);
  });

  it("should answer an empty list at once and refuse a limit below one when called so", async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
    await expect(mapLimit([1], 0, async (n) => n)).rejects.toThrow(RangeError);
  });
});
