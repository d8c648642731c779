import { describe, expect, it } from "vitest";
import { ReadCache, type Loaded } from "@/lib/http/read-cache";
import { acceptedAgeMs } from "@/lib/http/shared-read";

const limits = { maxBytes: 1_000, maxEntries: 10 };

/** A load that counts its calls and resolves when told to. */
function loader(body: unknown = { n: 1 }, shareable = true) {
  let calls = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const load = async (): Promise<Loaded> => {
    calls++;
    await gate;
    return { body, shareable };
  };
  return { load, release, calls: () => calls };
}

describe("ReadCache", () => {
  it("should run one load when the same read arrives twice while it runs", async () => {
    const cache = new ReadCache(limits);
    const l = loader();
    const a = cache.read("k", 0, l.load);
    const b = cache.read("k", 0, l.load);
    l.release();
    const [ra, rb] = await Promise.all([a, b]);
    expect(l.calls()).toBe(1);
    expect(ra.hit).toBe(false);
    expect(rb.hit).toBe(true);
    expect(rb.answer!.json).toBe('{"n":1}');
  });

  it("should answer from the last read while it is as young as the caller accepts", async () => {
    const cache = new ReadCache(limits);
    const l = loader();
    l.release();
    await cache.read("k", 5_000, l.load, 1_000);
    expect((await cache.read("k", 5_000, l.load, 5_999)).hit).toBe(true);
    expect((await cache.read("k", 5_000, l.load, 6_001)).hit).toBe(false);
    expect(l.calls()).toBe(2);
  });

  it("should not keep what a read in flight during a change returns", async () => {
    const cache = new ReadCache(limits);
    const l = loader({ before: "change" });
    const running = cache.read("k", 0, l.load);
    cache.clear();
    l.release();
    await running;
    const after = loader({ after: "change" });
    after.release();
    const next = await cache.read("k", 60_000, after.load);
    expect(next.hit).toBe(false);
    expect(next.answer!.body).toEqual({ after: "change" });
  });

  it("should keep neither an error nor an answer that is not shareable", async () => {
    const cache = new ReadCache(limits);
    await expect(
      cache.read("k", 60_000, () => Promise.reject(new Error("Redis down"))),
    ).rejects.toThrow("Redis down");
    const l = loader({ status: 503 }, false);
    l.release();
    expect((await cache.read("k", 60_000, l.load)).answer).toBeNull();
    expect((await cache.read("k", 60_000, l.load)).answer).toBeNull();
    expect(l.calls()).toBe(2);
    expect(cache.size.entries).toBe(0);
  });

  it("should drop the oldest answers when over its byte budget", async () => {
    const cache = new ReadCache({ maxBytes: 250, maxEntries: 10 });
    for (const key of ["a", "b", "c"]) {
      await cache.read(key, 60_000, async () => ({ body: "x".repeat(100), shareable: true }));
    }
    expect(cache.size.bytes).toBeLessThanOrEqual(250);
    const a = loader();
    a.release();
    expect((await cache.read("a", 60_000, a.load)).hit).toBe(false);
    expect((await cache.read("c", 60_000, a.load)).hit).toBe(true);
  });
});

describe("acceptedAgeMs", () => {
  const age = (value?: string) =>
    acceptedAgeMs(
      new Request("http://x/", { headers: value === undefined ? {} : { "cache-control": value } }),
    );

  it("should read max-age, capped at a minute, and treat anything else as a fresh read", () => {
    expect(age("max-age=5")).toBe(5_000);
    expect(age("public, max-age=2")).toBe(2_000);
    expect(age("max-age=999999")).toBe(60_000);
    expect(age()).toBe(0);
    expect(age("no-cache")).toBe(0);
    expect(age("max-age=5, no-cache")).toBe(0);
    expect(age("max-age=-1")).toBe(0);
    expect(age("max-age=5x")).toBe(0);
    expect(age(`${"max-age=".repeat(5_000)}1`)).toBe(0);
  });
});
